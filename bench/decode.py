"""``python -m bench.decode [--repeats N]``: milliseconds to decode and parse one group of
50, 500 and 2,000 VMs (``GET …/groups/{group}?view=overview``), the way the client did before
``panel/bigv/_decode.py`` and the ways it could.

The bodies are the simulator's own (its renderer over ``seed.populate``), so they have the
keys, nulls and nesting BigV sends. Each figure is the median of ``--repeats`` runs in one
process, after one warm-up, the ways taken in turns. The "decode only" rows are the floor:
JSON to dicts, no types. orjson is not one of the panel's dependencies (msgspec was faster:
docs/architecture.md, Libraries); its rows say so when it is not installed.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import msgspec

from panel.bigv._decode import typed_parser
from panel.bigv.types import Group
from panel.simulator import render, seed
from panel.simulator.rules import Access, Principal

SIZES = (50, 500, 2000)

try:
    import orjson
except ImportError:  # measured when present; `pip install orjson` to compare
    orjson = None


def group_body(count: int) -> bytes:
    """A group of ``count`` VMs as the simulator answers it to an account admin."""
    world = seed.build("demo")
    with world.lock:
        group = seed.populate(world, "demo", "measured", count)
        access = Access(world, Principal(user=world.user_named("demo"), kind="session"))
        body = render.group(world, group, access, overview=True, deleted=False)
    assert len(body["virtual_machines"]) == count
    return json.dumps(body).encode()


def ways() -> list[tuple[str, Callable[[bytes], Any] | None]]:
    """Each way to turn the body into a ``Group`` (or, for the floor rows, into dicts)."""
    typed_group = typed_parser(Group.from_json)
    assert typed_group is not None
    untyped = msgspec.json.Decoder()
    orjson_loads = orjson.loads if orjson is not None else None
    return [
        ("json.loads + from_json (before)", lambda b: Group.from_json(json.loads(b))),
        (
            "orjson.loads + from_json",
            (lambda b: Group.from_json(orjson.loads(b))) if orjson is not None else None,
        ),
        ("msgspec dicts + from_json", lambda b: Group.from_json(untyped.decode(b))),
        ("msgspec into the dataclasses (now)", typed_group),
        ("decode only: json.loads", json.loads),
        ("decode only: orjson.loads", orjson_loads),
        ("decode only: msgspec", untyped.decode),
    ]


def timings(runs: list[Callable[[bytes], Any]], body: bytes, repeats: int) -> list[list[float]]:
    """Seconds per run of each way, taken in turns so that whatever else the machine is
    doing weighs on every way alike; each run starts after a full collection."""
    for run in runs:
        run(body)  # warm-up: first-call costs are not what a page pays
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for run, taken in zip(runs, times, strict=True):
            gc.collect()
            started = time.perf_counter()
            run(body)
            taken.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.decode", description=__doc__)
    parser.add_argument("--repeats", type=int, default=15, help="runs per figure (median)")
    args = parser.parse_args(argv)
    bodies = {count: group_body(count) for count in SIZES}
    measured = [(name, run) for name, run in ways() if run is not None]
    runs = [run for _, run in measured]
    medians = {
        count: [statistics.median(t) * 1000 for t in timings(runs, body, args.repeats)]
        for count, body in bodies.items()
    }
    sizes = "".join(f"{f'{count} VMs':>12}" for count in SIZES)
    print(f"{'ms per decode + parse of one group':<40}{sizes}")
    print(f"{'(body size, KiB)':<40}" + "".join(f"{len(b) // 1024:>12}" for b in bodies.values()))
    for index, (name, _) in enumerate(measured):
        print(f"{name:<40}" + "".join(f"{medians[count][index]:>12.2f}" for count in SIZES))
    for name, run in ways():
        if run is None:
            print(f"{name:<40}{'not installed':>12}")


if __name__ == "__main__":
    main()
