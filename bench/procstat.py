"""What each process group of the stack uses, read from ``/proc/<pid>/stat``.

Every stack process runs in a process group of its own (bench/stack.py), so a group's figure
covers a process and its children: a Celery worker's main process and its pool process,
uvicorn's processes. Read by the memory series (resident set size) and the bulk series (CPU
time spent per operation).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class GroupStat:
    rss_bytes: int = 0
    cpu_s: float = 0.0  # user + system time of the processes alive now


def by_group() -> dict[int, GroupStat]:
    """Resident bytes and CPU seconds per process group, from every /proc/<pid>/stat."""
    totals: dict[int, GroupStat] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The fields after the command name (which may hold spaces), from "state" on.
        fields = stat[stat.rindex(")") + 2 :].split()
        group = totals.setdefault(int(fields[2]), GroupStat())
        group.rss_bytes += int(fields[21]) * PAGE
        group.cpu_s += (int(fields[11]) + int(fields[12])) / TICK
    return totals
