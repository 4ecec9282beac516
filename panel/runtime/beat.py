"""Celery beat's scheduler: the schedule held in memory, a heartbeat file on disk.

Beat's default ``PersistentScheduler`` keeps last-run times in a ``shelve`` file. On Python
3.13 that is an SQLite database (``dbm.sqlite3``), and beat started inside a worker (``-B``)
was seen failing at start-up with "disk I/O error" while writing it — beat then dies, and
with it the reconciler that resumes operations whose worker died. The entries here are the
reconciler, every few seconds, and the sealing of audit intents left open; forgetting their
last-run times across a restart loses nothing.
The ``--schedule`` path is instead touched on every tick, so a health check can tell that
beat is alive (docker-compose's ``beat`` service does).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery.beat import Scheduler

logger = logging.getLogger(__name__)


class HeartbeatScheduler(Scheduler):
    def __init__(self, *args: Any, schedule_filename: str | None = None, **kwargs: Any) -> None:
        self.heartbeat = Path(schedule_filename) if schedule_filename else None
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if self.heartbeat is not None:
            try:
                self.heartbeat.touch()
            except OSError:  # a full or read-only disk must not stop the schedule
                logger.warning("beat: cannot touch %s", self.heartbeat, exc_info=True)
        return float(super().tick(*args, **kwargs))
