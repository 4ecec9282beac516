"""A worker that hit an unrecoverable error ends, rather than lingering as a wedged one.

Celery logs "Unrecoverable error" when its main loop dies (kombu's reconnection bug on a
lost Redis is one way: ``'NoneType' object has no attribute 'hostname'``) and then shuts
down *warm*, which flushes acknowledgements to the broker — the broker that just went away.
Celery's own comment (``celery/worker/worker.py``, ``_shutdown``) says a silent broker can
wedge a warm shutdown; the drills saw it hang for minutes, consuming nothing, while the
operations it held waited. A process in that state serves nobody, so once the error is
logged a daemon thread gives the shutdown ``GRACE_SECONDS`` and then ends the process. What
supervises it — ``make run``'s supervisor, Docker's restart policy — starts a fresh one; the
tasks it held go back to the queue (acks_late) and the reconciler resumes their operations.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

GRACE_SECONDS = 20.0
EXIT_STATUS = 1  # celery's EX_FAILURE

Exit = Callable[[int], None]


class ExitAfterUnrecoverable(logging.Handler):
    """On Celery's "Unrecoverable error", end the process ``grace`` seconds later."""

    def __init__(self, grace: float = GRACE_SECONDS, exit: Exit = os._exit) -> None:
        super().__init__(level=logging.CRITICAL)
        self.grace = grace
        self.exit = exit
        self.armed = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.armed or not record.getMessage().startswith("Unrecoverable error"):
            return
        self.armed = True
        threading.Thread(target=self._later, name="exit-after-unrecoverable", daemon=True).start()

    def _later(self) -> None:
        time.sleep(self.grace)
        # Still here: the warm shutdown is stuck. Nothing below runs cleanup on purpose.
        logging.getLogger(__name__).critical(
            "worker still shutting down %.0f s after an unrecoverable error; exiting", self.grace
        )
        self.exit(EXIT_STATUS)


def install(logger_name: str = "celery.worker") -> ExitAfterUnrecoverable:
    handler = ExitAfterUnrecoverable()
    logging.getLogger(logger_name).addHandler(handler)
    return handler
