"""Bulk: one change to several VMs, ``concurrency`` at a time, "stop after N failures".

``batch_start`` plans every VM (from its live state) and creates one pending operation
each; the first ``concurrency`` start as soon as they are planned, so workers are busy while
the rest are still being planned (planning 200 VMs takes seconds). Each operation that ends
calls ``fill``, which starts the next waiting one — or, once the batch has reached its
failure limit, cancels the waiting ones and marks the batch stopped (running ones finish
and put their VM back as usual). A batch finishes only once ``planned_at`` says it knows
all its operations. The reconciler also calls ``fill`` so a batch never stalls on a crash
between the two, and closes the planning of a batch whose planner died.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from panel.bigv import BigVClient, BigVError
from panel.core.actor import Actor
from panel.operations import claims, conf, dispatch
from panel.operations.models import Batch, Operation
from panel.operations.plans import InvalidPlan, NothingToDo, plan_for_batch
from panel.operations.services import Busy, cancel_unstarted, operation_cancel, operation_start
from panel.operations.status import BATCH_KINDS, BatchStatus, OperationStatus
from panel.vms.refs import VmRef


def batch_start(
    *,
    actor: Actor,
    client: BigVClient,
    refs: Iterable[VmRef],
    kind: str,
    params: Mapping[str, Any],
    concurrency: int,
    stop_after_failures: int,
) -> Batch:
    """Plan and queue ``kind`` for every VM. VMs that need nothing, cannot be planned or are
    busy are listed in ``batch.skipped`` with the reason, not failed."""
    if kind not in BATCH_KINDS:
        raise InvalidPlan(f"{kind} cannot be applied to several VMs at once.")
    if concurrency < 1 or stop_after_failures < 0:
        raise InvalidPlan("Concurrency must be at least 1 and the failure limit not negative.")
    if actor.user_id is None:
        raise InvalidPlan("Log in first.")
    batch = Batch.objects.create(
        actor_id=actor.user_id,
        actor_username=actor.username,
        kind=kind,
        params=dict(params),
        concurrency=concurrency,
        stop_after_failures=stop_after_failures,
    )
    skipped: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    queued = 0
    try:
        for ref in refs:
            key = (ref.account, ref.group, ref.vm)
            if key in seen:
                continue
            seen.add(key)
            try:
                plan = plan_for_batch(client=client, ref=ref, kind=kind, params=dict(params))
                operation_start(actor=actor, client=None, ref_or_target=plan.ref, plan=plan,
                                batch=batch)  # fmt: skip
            except (NothingToDo, InvalidPlan, Busy, BigVError) as error:
                skipped.append({"vm": ref.label, "reason": str(error)})
                continue
            queued += 1
            # Beyond the first ``concurrency``, the operations that end do the starting.
            if queued <= concurrency:
                fill(batch.pk)
    finally:
        Batch.objects.filter(pk=batch.pk).update(skipped=skipped, planned_at=timezone.now())
    fill(batch.pk)
    batch.refresh_from_db()
    return batch


def close_abandoned_planning(older_than: dt.timedelta) -> int:
    """Mark as planned the batches whose planner died mid-way (the web process was killed),
    so they can finish with the operations they have; returns how many."""
    cutoff = timezone.now() - older_than
    return Batch.objects.filter(planned_at__isnull=True, created_at__lt=cutoff).update(
        planned_at=timezone.now()
    )


def batch_cancel(*, actor: Actor, batch: Batch) -> Batch:
    """Stop a batch: waiting operations are cancelled, running ones asked to cancel."""
    with transaction.atomic():
        Batch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING).update(
            status=BatchStatus.STOPPED
        )
    for op in Operation.objects.filter(batch_id=batch.pk, status__in=OperationStatus.ACTIVE):
        operation_cancel(actor=actor, operation=op)
    fill(batch.pk)
    batch.refresh_from_db()
    return batch


def fill(batch_id: Any) -> None:
    """Start waiting operations up to the concurrency limit, or stop the batch."""
    to_send: list[tuple[Any, str]] = []
    to_cancel: list[Operation] = []
    with transaction.atomic():
        # Serialises concurrent fills (PostgreSQL row lock; SQLite's IMMEDIATE write lock).
        batch = Batch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.finished_at is not None:
            return
        ops = Operation.objects.filter(batch_id=batch.pk)
        waiting = ops.filter(status=OperationStatus.PENDING, enqueued_at__isnull=True)
        failures = ops.filter(status__in=OperationStatus.FAILURES).count()
        limit = batch.stop_after_failures
        if batch.status == BatchStatus.RUNNING and limit and failures >= limit:
            batch.status = BatchStatus.STOPPED
        if batch.status == BatchStatus.STOPPED:
            to_cancel = list(waiting)
        else:
            running = ops.filter(
                status__in=OperationStatus.ACTIVE, enqueued_at__isnull=False
            ).count()
            now = timezone.now()
            free = max(0, batch.concurrency - running)
            for op in waiting.order_by("created_at", "id")[:free]:
                task_id = claims.new_task_id()
                Operation.objects.filter(pk=op.pk, enqueued_at__isnull=True).update(
                    enqueued_at=now,
                    lease_owner=claims.resume_token(task_id),
                    lease_expires_at=now + dt.timedelta(seconds=conf.lease_seconds()),
                    updated_at=now,
                )
                to_send.append((op.pk, task_id))
        batch.save(update_fields=["status"])
    for op in to_cancel:
        cancel_unstarted(op, reason="Not started: the batch was stopped.")
    for op_id, task_id in to_send:
        dispatch.send(op_id, task_id=task_id)
    _maybe_finish(batch_id)


def _maybe_finish(batch_id: Any) -> None:
    with transaction.atomic():
        batch = Batch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.finished_at is not None or batch.planned_at is None:
            return
        if Operation.objects.filter(batch_id=batch.pk, status__in=OperationStatus.ACTIVE).exists():
            return
        if batch.status == BatchStatus.RUNNING:
            batch.status = BatchStatus.FINISHED
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "finished_at"])
