"""Series 5 — memory: resident set size of the web process and of each Celery worker.

A thread samples ``/proc`` every 0.2 s for the whole run. Every stack process runs in a
process group of its own, so a worker's figure is its main process plus its pool process
(the one that runs the operations), and the web figure is uvicorn. Peaks are kept per phase
(the series running at the time); the target phase is the bulk run.
"""

from __future__ import annotations

import threading
from typing import Any

from bench.procstat import by_group
from bench.stack import Stack

MIB = 1024 * 1024


class Sampler:
    def __init__(self, stack: Stack, interval: float = 0.2) -> None:
        self.stack = stack
        self.interval = interval
        self.phase = "start"
        # (process kind, phase) -> [first sample, peak] in bytes
        self.peaks: dict[tuple[str, str], list[int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-memory", daemon=True)
        self._thread.start()

    def _note(self, kind: str, value: int) -> None:
        slot = self.peaks.setdefault((kind, self.phase), [value, value])
        slot[1] = max(slot[1], value)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                groups = {pgrp: stat.rss_bytes for pgrp, stat in by_group().items()}
                for proc in list(self.stack.procs):
                    value = groups.get(proc.pid)
                    if not value:
                        continue
                    if proc.name == "web":
                        self._note("web (uvicorn)", value)
                    elif proc.name.startswith("worker") and self.phase in ("live", "bulk"):
                        self._note("worker (main + pool)", value)
                workers = sum(groups.get(w.pid, 0) for w in list(self.stack.workers))
                if workers and self.phase == "bulk" and not self.stack.scaling:
                    self._note(f"all {len(self.stack.workers)} workers", workers)
            except (OSError, ValueError, IndexError):  # a process ended mid-read: skip it
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def result(self) -> dict[str, Any]:
        rows = [
            {
                "process": kind,
                "phase": phase,
                "start_mib": round(first / MIB, 1),
                "peak_mib": round(peak / MIB, 1),
            }
            for (kind, phase), (first, peak) in self.peaks.items()
            if peak > 0 and phase != "start"
        ]
        rows.sort(key=lambda r: (r["phase"] != "bulk", r["process"], r["phase"]))
        bulk = {r["process"]: r["peak_mib"] for r in rows if r["phase"] == "bulk"}
        targets = []
        if bulk:
            worker = bulk.get("worker (main + pool)", 0.0)
            targets.append(
                {
                    "name": "peak RSS across the bulk run (reported, no limit set)",
                    "value": f"web {bulk.get('web (uvicorn)', 0.0)} MiB, worker {worker} MiB",
                    "met": True,
                }
            )
        return {"rows": rows, "targets": targets}
