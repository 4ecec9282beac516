"""Celery tasks: thin, ids only — never a URL, an address or a secret in a message.

Bound to the panel's app explicitly, as ``panel.operations.tasks`` explains. A delivery
task is safe to run twice: ``sending.attempt`` claims the row first, so a duplicated or
redelivered message sends nothing more.
"""

from __future__ import annotations

import logging
from typing import Any

from panel.celery import app
from panel.notifications import sending

logger = logging.getLogger(__name__)


@app.task(name="panel.notifications.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: str) -> None:
    retry_in = sending.attempt(delivery_id)
    if retry_in is not None:
        enqueue(delivery_id, countdown=retry_in)


@app.task(name="panel.notifications.resend", ignore_result=True)
def resend() -> int:
    """Beat: deliveries whose message the broker lost (or never took) are sent again."""
    due = sending.resend_due()
    for delivery_id in due:
        enqueue(delivery_id)
    return len(due)


def enqueue(delivery_id: Any, *, countdown: float = 0.0) -> None:
    """Hand a delivery to a worker. Never raises and never waits for a broker that is down
    (``retry=False``): the row is the truth, and ``resend`` picks it up later."""
    options: dict[str, Any] = {"retry": False}
    if countdown > 0:
        options["countdown"] = countdown
    try:
        deliver.apply_async((str(delivery_id),), **options)
    except Exception:  # broker down: kombu raises its own OperationalError family
        logger.warning("notification %s: not queued (the resend will send it)", delivery_id)
