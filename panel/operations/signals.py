"""What the engine announces, for the apps above it to act on without being imported.

``operation_changed`` fires after every committed status or step change of an operation (the
live status publishes it); ``operation_finished`` fires once an operation has ended (batches
start their next operation; notifications would hook here too). Both are sent after the
surrounding transaction commits, so a receiver that re-reads the row sees the new state, and
a receiver that fails never fails the engine: the database already holds the truth.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# sender: the Operation class; kwargs: operation=<Operation>
operation_changed = Signal()
operation_finished = Signal()
# sender: the Batch class; kwargs: batch=<Batch> — its status changed (stopped, finished).
batch_changed = Signal()


def _send(signal: Signal, operation: Any) -> None:
    for receiver, result in signal.send_robust(sender=type(operation), operation=operation):
        if isinstance(result, Exception):
            logger.warning(
                "operation %s: %s failed in %r",
                operation.pk,
                "finish hook" if signal is operation_finished else "change hook",
                receiver,
                exc_info=result,
            )


def changed(operation: Any) -> None:
    """Announce a change once the current transaction commits (at once in autocommit)."""
    transaction.on_commit(lambda: _send(operation_changed, operation))


def finished(operation: Any) -> None:
    """Announce the end of ``operation`` once the current transaction commits."""
    transaction.on_commit(lambda: _send(operation_finished, operation))


def batch_status_changed(batch: Any) -> None:
    """Announce a batch's new status once the current transaction commits: its page shows
    "finished" when its last operation does, not at the next re-read."""

    def send() -> None:
        for receiver, result in batch_changed.send_robust(sender=type(batch), batch=batch):
            if isinstance(result, Exception):
                logger.warning(
                    "batch %s: change hook %r failed", batch.pk, receiver, exc_info=result
                )

    transaction.on_commit(send)
