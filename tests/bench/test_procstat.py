"""bench/procstat.py reads what each process group uses from /proc."""

from __future__ import annotations

import os
import time

from bench.procstat import by_group


def test_the_groups_figures_cover_this_process_and_grow_with_its_work() -> None:
    group = os.getpgrp()
    before = by_group()[group]
    assert before.rss_bytes > 0
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:  # spend some CPU in this process
        sum(range(1000))
    after = by_group()[group]
    # /proc counts in clock ticks (1/100 s here): 0.2 s of work shows, give or take one.
    assert after.cpu_s - before.cpu_s >= 0.15
