"""``python -m bench [--quick] [--only pages,live,bulk,load,memory] [--out DIR] [--keep]
[--profile] [--postgres URL]``: start a private stack, run the series, print the table, save
the results.

Exits 1 only if a series failed to run; a missed target is reported, not an error."""

from __future__ import annotations

import argparse
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench import report
from bench.config import FULL, QUICK, SERIES
from bench.context import Bench
from bench.stack import Stack

HERE = Path(__file__).resolve().parent


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small worlds, few repeats")
    parser.add_argument("--only", default=",".join(SERIES), help="comma-separated series")
    parser.add_argument("--out", type=Path, default=HERE, help="where results.* go")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, DB)")
    parser.add_argument(
        "--profile", action="store_true", help="profile the pages even if their targets are met"
    )
    parser.add_argument(
        "--postgres",
        default="",
        metavar="URL",
        help="run on a fresh database on this PostgreSQL server (e.g. "
        "postgres://postgres@127.0.0.1:5432/), dropped at the end; default: a fresh SQLite file",
    )
    args = parser.parse_args(argv)
    args.series = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(args.series) - set(SERIES))
    if unknown:
        parser.error(f"unknown series {unknown}; choose from {', '.join(SERIES)}")
    if "memory" in args.series and "bulk" not in args.series:
        args.series.append("bulk")  # memory is measured across the bulk run
    return args


def run_series(bench: Bench, name: str) -> dict[str, Any]:
    if name == "pages":
        from bench import pages

        return pages.run(bench)
    if name == "live":
        from bench import live

        return live.run(bench)
    if name == "bulk":
        from bench import bulk

        return bulk.run(bench)
    if name == "load":
        from bench import load

        return load.run(bench)
    if name == "memory":
        return bench.memory.result() if bench.memory else {"rows": [], "targets": []}
    raise ValueError(name)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the stack's clean-up


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminated)
    args = parse(argv)
    cfg = QUICK if args.quick else FULL
    args.out.mkdir(parents=True, exist_ok=True)
    order = [s for s in SERIES if s in args.series]
    results: dict[str, Any] = {}
    errors: dict[str, str] = {}
    started = time.time()
    print(f"bench: {'quick' if cfg.quick else 'full'} run of {', '.join(order)}", flush=True)
    with Stack(
        sim_speed=cfg.sim_speed,
        poll_seconds=cfg.poll_seconds,
        keep=args.keep,
        postgres_server=args.postgres,
    ) as stack:
        print(f"bench: stack up in {time.time() - started:.0f} s ({stack.root})", flush=True)
        bench = Bench.create(stack, cfg, args.out)
        bench.profile = args.profile
        if "memory" in order:
            from bench.memory import Sampler

            bench.memory = Sampler(stack)
        for name in order:
            t0 = time.time()
            print(f"bench: {name}…", flush=True)
            if bench.memory and name != "memory":
                bench.memory.phase = name
            try:
                results[name] = run_series(bench, name)
            except Exception as error:
                traceback.print_exc()
                errors[name] = f"{type(error).__name__}: {error}"
            print(f"bench: {name} done in {time.time() - t0:.0f} s", flush=True)
        if bench.memory:
            bench.memory.stop()
    doc = report.document(
        cfg, results, errors, bench.notes, time.time() - started, database=stack.database.kind
    )
    report.save(doc, args.out)
    print(report.table(doc))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
