"""What is worth telling someone, in words: an operation or a batch that ended badly.

An operation ends badly when it *failed* (nothing reached BigV), was *rolled back* (the VM
was put back) or *needs attention* (even putting it back failed). An operation that belongs
to a batch is told with its batch, once the batch ends — a bulk change of 200 VMs gives one
message, not 200. A batch ends badly when any of its operations did, or it was stopped.
Cancelled operations are not news: someone chose that.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse

from panel.operations.models import Batch, Operation
from panel.operations.status import BatchStatus, OperationStatus

_ERROR_CLIP = 500


@dataclass(frozen=True)
class Event:
    key: str  # one message per person and channel for it
    owner_id: int | None  # who started it
    subject: str
    text: str
    facts: dict[str, Any] = field(default_factory=dict)


def operation_is_news(operation: Operation) -> bool:
    return operation.batch_id is None and operation.status in OperationStatus.FAILURES


def batch_is_news(batch: Batch) -> bool:
    ended = batch.finished_at is not None
    return ended and (batch.status == BatchStatus.STOPPED or batch.failure_count > 0)


def absolute(path: str) -> str:
    """A link for a message read outside the panel: PANEL_BASE_URL (``make run`` sets it),
    else the first DJANGO_ALLOWED_HOSTS name over https in production, else the path."""
    base = settings.PANEL_BASE_URL
    if not base and settings.PRODUCTION and settings.ALLOWED_HOSTS:
        host = settings.ALLOWED_HOSTS[0]
        base = f"https://{host}" if host not in ("*",) and not host.startswith(".") else ""
    return f"{base.rstrip('/')}{path}" if base else path


def for_operation(operation: Operation) -> Event:
    details = [f"Started by {operation.actor_username}."]
    if operation.error:
        details.append(f"Error: {_clip(operation.error)}")
    if operation.attention:
        details.append(f"Needs attention: {_clip(operation.attention)}")
    facts = {
        "event": "operation.finished",
        "operation": str(operation.pk),
        "kind": operation.kind,
        "status": operation.status,
        "target": operation.target_label,
        "started_by": operation.actor_username,
        "error": _clip(operation.error),
    }
    return _event(
        key=f"operation:{operation.pk}",
        owner_id=operation.actor_id,
        headline=f"{operation.status_label}: {operation.summary} ({operation.target_label})",
        details=details,
        path=reverse("operations:detail", args=[operation.pk]),
        facts=facts,
    )


def for_batch(batch: Batch) -> Event:
    counts = {status: n for status, n in batch.counts.items() if n}
    tally = ", ".join(
        f"{n} {OperationStatus(status).label.lower()}" for status, n in sorted(counts.items())
    )
    ending = "stopped after failures" if batch.status == BatchStatus.STOPPED else "finished"
    facts = {
        "event": "batch.finished",
        "batch": str(batch.pk),
        "kind": batch.kind,
        "status": batch.status,
        "counts": counts,
        "started_by": batch.actor_username,
    }
    return _event(
        key=f"batch:{batch.pk}",
        owner_id=batch.actor_id,
        headline=f"Batch {ending}: {batch.kind_label} — {batch.failure_count} did not succeed",
        details=[f"Started by {batch.actor_username}.", f"Operations: {tally or 'none'}."],
        path=reverse("operations:batch", args=[batch.pk]),
        facts=facts,
    )


def trial_event(owner_id: int, username: str) -> Event:
    """A message someone sends themselves from their settings page, to check the way."""
    return _event(
        key=f"test:{uuid.uuid4()}",
        owner_id=owner_id,
        headline="Test notification",
        details=[
            f"A test for {username}: messages about your operations and batches that end "
            "badly arrive like this one."
        ],
        path=reverse("notifications:settings"),
        facts={"event": "test"},
    )


def _event(
    *,
    key: str,
    owner_id: int | None,
    headline: str,
    details: list[str],
    path: str,
    facts: dict[str, Any],
) -> Event:
    """The message: the headline (also the e-mail's subject), the details, and the link."""
    url = absolute(path)
    return Event(
        key=key,
        owner_id=owner_id,
        subject=f"[BigV Panel] {headline}"[:255],
        text="\n".join([headline, *details, f"Open it: {url}"]),
        facts={**facts, "url": url},
    )


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _ERROR_CLIP else text[: _ERROR_CLIP - 1] + "…"
