"""The periodic reconciler (Celery beat): what makes "resume after a crash" correct.

The broker's redelivery is the fast path; this is the guarantee. It resumes every active
operation whose lease expired (a run died, a countdown task was lost with its worker or
with Redis), or whose owner on this host is a dead process, and operations that were
enqueued but never picked up. It also tops up running batches, and closes the planning of
batches whose planner died.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from panel.operations import batches, claims, dispatch
from panel.operations.models import Batch, Operation
from panel.operations.status import OperationStatus

logger = logging.getLogger(__name__)

# Planning runs inside one web request (seconds for hundreds of VMs); a batch still
# unplanned after this long lost its planner with the request.
PLANNING_ABANDONED_AFTER = dt.timedelta(minutes=10)


def reconcile() -> int:
    """Re-enqueue abandoned operations; returns how many were resumed."""
    now = timezone.now()
    candidates = Operation.objects.filter(
        status__in=OperationStatus.ACTIVE, enqueued_at__isnull=False
    ).filter(
        Q(lease_expires_at__isnull=True)
        | Q(lease_expires_at__lt=now)
        | Q(lease_owner__startswith=f"{claims.HOST}:")
    )
    resumed = 0
    for seen in candidates.values("id", "epoch", "lease_owner", "lease_expires_at"):
        expired = seen["lease_expires_at"] is None or seen["lease_expires_at"] < now
        if not expired and not claims.owner_is_dead(seen["lease_owner"]):
            continue
        task_id = claims.new_task_id()
        if claims.requeue_expired(seen["id"], seen, task_id):
            logger.warning("operation %s: lease abandoned; resuming", seen["id"])
            dispatch.send(seen["id"], task_id=task_id)
            resumed += 1
    batches.close_abandoned_planning(PLANNING_ABANDONED_AFTER)
    for batch_id in Batch.objects.filter(finished_at__isnull=True).values_list("id", flat=True):
        batches.fill(batch_id)
    return resumed
