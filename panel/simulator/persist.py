"""The optional JSON state file: the whole world, written atomically (temp file + rename).

Saving is debounced by ``Saver``: a change marks the world dirty and a background thread
writes at most once per ``interval`` seconds, plus once more on shutdown. The snapshot is
taken under the world lock; the slow part (encoding and writing) happens outside it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from panel.simulator import power
from panel.simulator.model import (
    Account,
    ApiKey,
    Backup,
    Disc,
    Group,
    Nic,
    Privilege,
    Session,
    User,
    VirtualMachine,
)
from panel.simulator.world import World

VERSION = 1
TABLES: dict[str, type] = {
    "accounts": Account,
    "groups": Group,
    "vms": VirtualMachine,
    "discs": Disc,
    "backups": Backup,
    "nics": Nic,
    "users": User,
    "privileges": Privilege,
    "api_keys": ApiKey,
}


def _row(obj: Any) -> dict[str, Any]:
    """A copy safe to encode outside the lock: only top-level containers are ever mutated
    in place (``Nic.extra_ips``, ``Nic.ips``); nested values are replaced, not changed.
    Much cheaper than ``dataclasses.asdict`` for thousands of rows."""
    return {k: (v.copy() if isinstance(v, list | dict) else v) for k, v in vars(obj).items()}


def snapshot(world: World) -> dict[str, Any]:
    with world.lock:
        data: dict[str, Any] = {
            "version": VERSION,
            "clock_offset": world.clock.offset,
            "speed": world.speed,
            "timings": dict(world.timings),
            "counters": dict(world.counters),
            "rdns": dict(world.rdns),
            "ip_next": world.ip_next,
            "ip_free": list(world.ip_free),
            "event_seq": world.event_seq,
            "sessions": [_row(s) for s in world.sessions.values()],
            # Disc order matters (the first disc is the boot disc) and a moved disc is
            # appended, so it is not always id order.
            "disc_order": {str(vm_id): list(ids) for vm_id, ids in world.vm_discs.items()},
        }
        for name in TABLES:
            data[name] = [_row(row) for row in getattr(world, name).values()]
        world.dirty = False
    return data


def restore(data: dict[str, Any]) -> World:
    if data.get("version") != VERSION:
        raise ValueError(f"unsupported state file version {data.get('version')!r}")
    world = World(speed=float(data.get("speed", 1.0)))
    world.clock.offset = float(data.get("clock_offset", 0.0))
    world.timings.update(data.get("timings", {}))
    world.counters = {k: int(v) for k, v in data.get("counters", {}).items()}
    world.rdns = dict(data.get("rdns", {}))
    world.ip_next = int(data.get("ip_next", 0))
    world.ip_free = list(data.get("ip_free", []))
    world.event_seq = int(data.get("event_seq", 0))
    world.sessions = {s["token"]: Session(**s) for s in data.get("sessions", [])}
    for name, cls in TABLES.items():
        setattr(world, name, {row["id"]: cls(**row) for row in data.get(name, [])})
    world.reindex()
    for vm_id, ids in data.get("disc_order", {}).items():
        if sorted(ids) == sorted(world.vm_discs.get(int(vm_id), [])):
            world.vm_discs[int(vm_id)] = list(ids)
    power.rebuild_events(world)
    return world


def load(path: str | Path) -> World:
    with open(path, encoding="utf-8") as fh:
        return restore(json.load(fh))


def save(world: World, path: str | Path) -> None:
    data = snapshot(world)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Saver:
    """Writes the world to ``path`` when dirty, at most once per ``interval`` seconds."""

    def __init__(self, world: World, path: str | Path, interval: float = 1.0) -> None:
        self.world = world
        self.path = Path(path)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bigv-sim-saver", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self.world.dirty:
                try:
                    save(self.world, self.path)
                except OSError as exc:
                    # Keep serving, and try again on the next tick, when the disk misbehaves.
                    self.world.dirty = True
                    print(f"simulator: could not save {self.path}: {exc}", file=sys.stderr)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        save(self.world, self.path)
