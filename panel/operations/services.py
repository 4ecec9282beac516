"""Starting and cancelling operations (docs/operations-contract.md).

Starting inserts the row (the partial unique index makes a second start on a busy target
fail), audits it, and enqueues the task after commit; the worker then acts with the same
person's own credentials. Planning is the business of the app that owns the kind
(``panel.vm_changes``), which also checks that the plan is still current before it starts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from panel.audit import Action, Outcome, record
from panel.core.actor import Actor
from panel.operations import claims, conf, dispatch, holds, secrets, signals
from panel.operations.models import Operation
from panel.operations.plans import Plan
from panel.operations.status import OperationStatus
from panel.operations.steps import actor_of, audit_target
from panel.operations.workflows import workflow_for

if TYPE_CHECKING:
    from panel.operations.models import Batch

__all__ = ["Busy", "busy_message", "cancel_unstarted", "operation_cancel", "operation_start"]


class Busy(Exception):
    """The target already has an active operation: "busy: <who> is <doing what>"."""

    def __init__(self, operation: Operation | None, message: str) -> None:
        super().__init__(message)
        self.operation = operation
        self.message = message


def busy_message(operation: Operation) -> str:
    queued = operation.batch_id is not None and operation.enqueued_at is None
    waiting = " (queued in a bulk change)" if queued else ""
    return f"busy: {operation.actor_username} is {operation.doing}{waiting}"


def operation_start(
    *,
    actor: Actor,
    plan: Plan,
    secret_params: Mapping[str, str] | None = None,
    batch: Batch | None = None,
) -> Operation:
    """Insert the operation, audit ``operation.start``, enqueue the task after commit.

    ``secret_params`` (only the inputs the kind's workflow seals) are encrypted at once. In a
    ``batch`` the task is sent later, when a slot is free. Raises ``Busy`` when the target
    already has an active operation.
    """
    if actor.user_id is None:
        raise PermissionDenied("Log in first.")
    sealable = workflow_for(plan.kind).sealed_inputs
    op_id = uuid.uuid4()
    now = timezone.now()
    op = Operation(
        id=op_id,
        kind=plan.kind,
        actor_id=actor.user_id,
        actor_username=actor.username,
        source_ip=actor.ip,
        request_id=actor.request_id or "",
        account=plan.ref.account,
        group=plan.ref.group,
        vm_name=plan.ref.vm,
        vm_id=plan.ref.vm_id,
        target_key=plan.target_key,
        params=dict(plan.params),
        secret_params=secrets.seal(
            operation_id=str(op_id), secrets=secret_params, allowed=sealable
        ),
        plan=[step.to_json() for step in plan.steps],
        original=dict(plan.original),
        batch=batch,
        created_at=now,
        updated_at=now,
    )
    task_id = ""
    if batch is None:
        task_id = claims.new_task_id()
        op.enqueued_at = now
        op.lease_owner = claims.resume_token(task_id)
        op.lease_expires_at = now + dt.timedelta(seconds=conf.lease_seconds())
    audit_params = {"kind": plan.kind, "plan": plan.describe(), **plan.params}
    if secret_params:
        audit_params["sealed_inputs"] = sorted(k for k, v in secret_params.items() if v)
    if batch is not None:
        audit_params["batch"] = str(batch.pk)
    try:
        with transaction.atomic():
            op.save(force_insert=True)
            held = holds.insert(op, plan)  # every other target it writes to, or none
            record(
                actor=actor,
                action=Action.OPERATION_START,
                outcome=Outcome.STARTED,
                target=audit_target(op),
                params=audit_params,
                operation_id=str(op_id),
            )
    except IntegrityError:
        busy = Operation.objects.filter(
            target_key__in=holds.keys(plan), status__in=OperationStatus.ACTIVE
        )
        other = busy.order_by("created_at").first()
        message = busy_message(other) if other else f"busy: {plan.ref.vm} was busy; try again"
        record(
            actor=actor,
            action=Action.OPERATION_START,
            outcome=Outcome.DENIED,
            target=audit_target(op),
            params=audit_params,
            api_error=message,
        )
        raise Busy(other, message) from None
    if task_id:
        transaction.on_commit(lambda: dispatch.send(op_id, task_id=task_id))
    for row in [op, *held]:
        signals.changed(row)
    return op


def operation_cancel(*, actor: Actor, operation: Operation, reason: str = "") -> Operation:
    """Ask a running operation to stop between steps and put the target back.

    An operation that never started ends here as ``cancelled``; a finished one is left
    alone. Who may cancel is decided by the caller (``panel.access.policy``); the audit says
    who did, and why when the panel did it (``reason``). Returns the row as it is now.
    """
    op = Operation.objects.get(pk=operation.pk)
    op = holds.holder_of(op) or op  # a hold is cancelled by cancelling what holds it
    if op.is_terminal:
        return op
    Operation.objects.filter(pk=op.pk, status__in=OperationStatus.ACTIVE).update(
        cancel_requested=True, updated_at=timezone.now()
    )
    record(
        actor=actor,
        action=Action.OPERATION_CANCEL,
        outcome=Outcome.SUCCEEDED,
        target=audit_target(op),
        operation_id=str(op.pk),
        params={"status": op.status, "step": op.current_step_label, **_why(reason)},
    )
    if op.status == OperationStatus.PENDING and not op.touched:
        who = reason or f"Cancelled by {actor.username}"
        cancel_unstarted(op, reason=f"{who} before it started.")
    op.refresh_from_db()
    signals.changed(op)
    return op


def _why(reason: str) -> dict[str, str]:
    return {"reason": reason} if reason else {}


def cancel_unstarted(op: Operation, *, reason: str) -> bool:
    """End a pending operation no run has claimed (the epoch check loses to a claim)."""
    now = timezone.now()
    with transaction.atomic():
        ended = Operation.objects.filter(
            pk=op.pk, epoch=op.epoch, status=OperationStatus.PENDING
        ).update(
            status=OperationStatus.CANCELLED,
            finished_at=now,
            updated_at=now,
            error=reason,
            secret_params="",
            lease_owner="",
            lease_expires_at=None,
        )
        released = holds.release(op, OperationStatus.CANCELLED) if ended else []
        if ended:
            record(
                actor=actor_of(op),
                action=Action.OPERATION_FINISH,
                outcome=Outcome.CANCELLED,
                target=audit_target(op),
                operation_id=str(op.pk),
                params={"status": OperationStatus.CANCELLED.value},
                api_error=reason,
            )
    if ended:
        op.refresh_from_db()
        for row in [op, *released]:
            signals.changed(row)
        signals.finished(op)  # a batch may have waited for this one
    return bool(ended)
