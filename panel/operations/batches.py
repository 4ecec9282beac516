"""Batches: one change to several targets, ``concurrency`` at a time, "stop after N failures".

``batch_start`` plans every target (from its live state) and creates one pending operation each;
the first ``concurrency`` start as soon as they are planned, so workers are busy while the rest
are still being planned (planning 200 VMs takes seconds). When an operation ends
(``signals.operation_finished``) its batch is filled: the next waiting operation starts — or,
once the batch has reached its failure limit, the waiting ones are cancelled and the batch is
marked stopped (running ones finish and put their target back as usual). A batch finishes only
once ``planned_at`` says it knows all its operations. The reconciler also calls ``fill`` so a
batch never stalls on a crash between the two, and closes the planning of a batch whose planner
died.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from panel.bigv import BigVError
from panel.core.actor import Actor
from panel.operations import claims, conf, dispatch, signals
from panel.operations.models import Batch, Operation
from panel.operations.plans import InvalidPlan, NothingToDo, Plan
from panel.operations.services import Busy, cancel_unstarted, operation_cancel, operation_start
from panel.operations.status import BatchStatus, OperationStatus


def batch_start[T](
    *,
    actor: Actor,
    kind: str,
    params: Mapping[str, Any],
    concurrency: int,
    stop_after_failures: int,
    targets: Iterable[T],
    plan: Callable[[T], Plan],
    label: Callable[[T], str],
) -> Batch:
    """Plan ``kind`` for every target (``plan(target)``, from its live state) and queue it.

    Targets that need nothing, cannot be planned or are busy are listed in
    ``batch.skipped`` with the reason (``label(target)`` names them), not failed.
    """
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
    queued = 0
    try:
        for target in targets:
            try:
                operation_start(actor=actor, plan=plan(target), batch=batch)
            except (NothingToDo, InvalidPlan, Busy, BigVError) as error:
                skipped.append({"vm": label(target), "reason": str(error)})
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


def batch_cancel(*, actor: Actor, batch: Batch, reason: str = "") -> Batch:
    """Stop a batch: waiting operations are cancelled, running ones asked to cancel."""
    with transaction.atomic():
        stopped = Batch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING).update(
            status=BatchStatus.STOPPED
        )
        if stopped:
            signals.batch_status_changed(batch)
    for op in Operation.objects.filter(batch_id=batch.pk, status__in=OperationStatus.ACTIVE):
        operation_cancel(actor=actor, operation=op, reason=reason)
    fill(batch.pk)
    batch.refresh_from_db()
    return batch


# The batches this thread is filling: cancelling a stopped batch's waiting operations ends
# them, and each ending asks for the batch to be filled again — the fill in progress does it.
_filling: contextvars.ContextVar[frozenset[Any]] = contextvars.ContextVar(
    "batches_filling", default=frozenset()
)


@receiver(signals.operation_finished)
def _next_after(sender: Any, operation: Operation, **kwargs: Any) -> None:
    """An operation of a batch ended: start the next one (or finish the batch)."""
    if operation.batch_id is not None:
        fill(operation.batch_id)


def fill(batch_id: Any) -> None:
    """Start waiting operations up to the concurrency limit, or stop the batch."""
    filling = _filling.get()
    if batch_id in filling:
        return
    token = _filling.set(filling | {batch_id})
    try:
        _fill(batch_id)
    finally:
        _filling.reset(token)


def _fill(batch_id: Any) -> None:
    to_send: list[tuple[Any, str]] = []
    to_cancel: list[Operation] = []
    with transaction.atomic():
        # Serialises concurrent fills (PostgreSQL row lock; SQLite's IMMEDIATE write lock).
        batch = Batch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.finished_at is not None:
            return
        ops = Operation.objects.filter(batch_id=batch.pk)
        waiting = ops.filter(status=OperationStatus.PENDING, enqueued_at__isnull=True)
        limit = batch.stop_after_failures
        if (
            batch.status == BatchStatus.RUNNING
            and limit
            and ops.filter(status__in=OperationStatus.FAILURES).count() >= limit
        ):
            batch.status = BatchStatus.STOPPED
            batch.save(update_fields=["status"])
            signals.batch_status_changed(batch)
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
    for op in to_cancel:
        cancel_unstarted(op, reason="Not started: the batch was stopped.")
    for op_id, task_id in to_send:
        dispatch.send(op_id, task_id=task_id)
    if not to_send:  # one just sent is active: the batch goes on
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
        signals.batch_status_changed(batch)
