"""Sending the run task. Only the operation id travels (never tokens, secrets or objects)."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def send(operation_id: Any, *, task_id: str, countdown: float = 0.0) -> bool:
    """Enqueue ``run_operation``; False if the broker could not be reached. Never raises: if
    Redis is down the operation keeps its lease until it expires, and then the reconciler
    sends it again (the row is the truth) — and the row says so meanwhile."""
    from panel.operations.tasks import run_operation  # (tasks imports engine)

    try:
        options: dict[str, Any] = {"task_id": task_id}
        if countdown > 0:
            options["countdown"] = countdown
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
