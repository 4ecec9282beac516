"""Sending the run task. Only the operation id travels (never tokens, secrets or objects).

A run that starts another run at once (an operation of a batch ends, and the batch's next
one may start) hands it to itself rather than to the queue (``run_and_continue``): the
worker that just finished is free, and going through Redis to whichever worker takes the
message next cost each hand-over 11 ms at the median and 25 ms on average with 8 workers
(``make bench``, bulk series), a slot left idle at every turn of a large batch. Only one run
is handed over per task, and only one due now; later ones (polls, with a countdown) and the
rest go to the queue as before. Should the task fail before starting it, it is sent to the
queue after all; should its worker die, its lease lapses and the reconciler sends it again,
as for a run the broker could not take.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

# Open while a run task drives its operation: the first run due now that it would enqueue.
_handed_over: contextvars.ContextVar[list[tuple[Any, str]] | None] = contextvars.ContextVar(
    "operations_handed_over", default=None
)


def send(operation_id: Any, *, task_id: str, countdown: float = 0.0, holder: str = "") -> bool:
    """Enqueue ``run_operation``; False if the broker could not be reached. Never raises: if
    Redis is down the operation keeps its lease until it expires, and then the reconciler
    sends it again (the row is the truth) — and the row says so meanwhile.

    ``holder``: a wait's poll, sent to the task id its lease was handed to (looks.py)."""
    kept = _handed_over.get()
    if kept is not None and not kept and countdown <= 0:
        kept.append((operation_id, holder or task_id))
        return True
    from panel.operations.tasks import run_operation  # (tasks imports engine)

    try:
        options: dict[str, Any] = {"task_id": task_id}
        if countdown > 0:
            options["countdown"] = countdown
        if holder:
            options["kwargs"] = {"holder": holder}
        run_operation.apply_async((str(operation_id),), **options)
    except Exception:  # broker down: kombu raises its own OperationalError family
        logger.warning(
            "operation %s: could not enqueue (the reconciler will resume it)",
            operation_id,
            exc_info=True,
        )
        from panel.operations import journal  # (journal imports models)

        journal.not_queued(operation_id)
        return False
    return True


def run_and_continue(run: Callable[[str, str], None], operation_id: str, task_id: str) -> None:
    """``run(operation_id, task_id)``, then here the one run it handed over, if any."""
    kept: list[tuple[Any, str]] = []
    token = _handed_over.set(kept)
    try:
        run(operation_id, task_id)
    except BaseException:
        _handed_over.reset(token)
        for next_id, next_task in kept:  # not started here: the queue takes it after all
            send(next_id, task_id=next_task)
        raise
    _handed_over.reset(token)
    for next_id, next_task in kept:
        run(str(next_id), next_task)
