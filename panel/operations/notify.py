"""After-commit publishing of status/step changes (events.publish belongs to the UI)."""

from __future__ import annotations

import logging

from django.db import transaction

from panel.operations import events
from panel.operations.models import Operation

logger = logging.getLogger(__name__)


def _publish(operation: Operation) -> None:
    try:
        events.publish(operation)
    except Exception:  # the page falls back to polling; the row holds the truth
        logger.warning("operation %s: publishing failed", operation.pk, exc_info=True)


def changed(operation: Operation) -> None:
    """Publish once the current transaction commits (at once in autocommit)."""
    transaction.on_commit(lambda: _publish(operation))
