"""Riding out an outage of BigV: how long a step keeps trying, and how long it waits between.

A transient failure (a 5xx, a 503, no answer at all) says nothing about the change: the step
is simply tried again later, check-then-act as always. It is tried at least
``PANEL_OPERATIONS_STEP_RETRIES`` times, and for as long as the outage has lasted less than
``PANEL_OPERATIONS_OUTAGE_SECONDS`` — so a minute without BigV delays an operation by a
minute, and never ends it in "needs attention". Waits double from
``PANEL_OPERATIONS_RETRY_SECONDS`` up to ``MAX_WAIT``, or follow BigV's own Retry-After.
The clock of an outage lives in the step's log entry (``failing_since``), so it survives a
worker restart, and is cleared as soon as a call of the step gets through again.
"""

from __future__ import annotations

import time
from typing import Any

from panel.bigv import BigVError, Unavailable
from panel.operations import conf

MAX_WAIT = 30.0  # seconds: an outage is noticed to be over within this long


def retry_wait(entry: dict[str, Any], error: BigVError, now: float | None = None) -> float | None:
    """Count this failure in ``entry``; the seconds to wait before the next try, or None once
    the step has tried long and often enough."""
    now = time.time() if now is None else now
    attempts = int(entry.get("attempts", 0)) + 1
    entry["attempts"] = attempts
    since = float(entry.setdefault("failing_since", now))
    if attempts > conf.step_retries() and now - since >= conf.outage_seconds():
        return None
    wait = min(MAX_WAIT, conf.retry_seconds() * 2 ** (attempts - 1))
    if isinstance(error, Unavailable) and error.retry_after is not None:
        wait = min(MAX_WAIT, max(wait, float(error.retry_after)))
    return wait


def got_through(entry: dict[str, Any]) -> None:
    """A call of the step was answered: whatever outage there was is over, and BigV's last
    error answer (``raw``, the "details" of a retry) with it."""
    entry.pop("failing_since", None)
    entry.pop("attempts", None)
    entry.pop("raw", None)
