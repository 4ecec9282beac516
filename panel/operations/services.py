"""What the UI calls: plan, start, cancel (docs/operations-contract.md).

Planning reads the VM's live state with the acting user's client; starting inserts the row
(the partial unique index makes a second start on a busy VM fail), audits it, and enqueues
the task after commit. The worker then uses the same person's own credentials.
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
from panel.bigv import BigVClient
from panel.core.actor import Actor
from panel.operations import claims, conf, dispatch, notify, secrets
from panel.operations.models import Operation
from panel.operations.plans import (
    InvalidPlan,
    NothingToDo,
    Plan,
    PlanStep,
    original_state,
    plan_create,
    plan_graceful,
    plan_move,
    plan_power,
    plan_reimage,
    plan_spec_change,
)
from panel.operations.status import OperationKind, OperationStatus
from panel.operations.steps import actor_of, vm_target
from panel.vms.refs import VmRef

if TYPE_CHECKING:
    from panel.operations.models import Batch

__all__ = [
    "Busy",
    "InvalidPlan",
    "NothingToDo",
    "Plan",
    "PlanOutdated",
    "PlanStep",
    "busy_message",
    "operation_cancel",
    "operation_start",
    "plan_create",
    "plan_graceful",
    "plan_move",
    "plan_power",
    "plan_reimage",
    "plan_spec_change",
]

_FRESH_KEYS = ("power_on", "cores", "memory", "hardware_profile", "hardware_profile_locked")


class Busy(Exception):
    """The VM already has an active operation: "busy: <who> is <doing what>"."""

    def __init__(self, operation: Operation | None, message: str) -> None:
        super().__init__(message)
        self.operation = operation
        self.message = message


class PlanOutdated(InvalidPlan):
    """The VM changed since the plan was shown; the user should look at a new plan."""


def busy_message(operation: Operation) -> str:
    queued = operation.batch_id is not None and operation.enqueued_at is None
    waiting = " (queued in a bulk change)" if queued else ""
    return f"busy: {operation.actor_username} is {operation.doing}{waiting}"


def _check_fresh(client: BigVClient, plan: Plan) -> None:
    vm = client.vm(plan.ref.account, plan.ref.group, plan.ref.vm)
    now = original_state(vm, account=plan.ref.account, group=plan.ref.group)
    changed = [k for k in (*_FRESH_KEYS, "group_id") if now[k] != plan.original.get(k)]
    if changed:
        what = ", ".join(k.replace("_", " ") for k in changed)
        raise PlanOutdated(f"{plan.ref.vm} changed since the plan was made ({what}).")


def operation_start(
    *,
    actor: Actor,
    client: BigVClient | None,
    ref_or_target: VmRef,
    plan: Plan,
    secret_params: Mapping[str, str] | None = None,
    batch: Batch | None = None,
) -> Operation:
    """Insert the operation, audit ``operation.start``, enqueue the task after commit.

    ``client`` (the actor's): when given, the VM is read once more and ``PlanOutdated`` is
    raised if it changed since planning. ``secret_params`` (reimage/create only) are
    encrypted at once. In a ``batch`` the task is sent later, when a slot is free.
    Raises ``Busy`` when the VM already has an active operation.
    """
    if actor.user_id is None:
        raise PermissionDenied("Log in first.")
    ref = ref_or_target
    if (ref.account, ref.group, ref.vm) != (plan.ref.account, plan.ref.group, plan.ref.vm):
        raise ValueError("operation_start: the plan is for another VM")
    if secret_params and plan.kind not in (OperationKind.REIMAGE, OperationKind.CREATE):
        raise ValueError("operation_start: secrets are only for reimage and create")
    if client is not None and plan.kind != OperationKind.CREATE:
        _check_fresh(client, plan)
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
        secret_params=secrets.seal(operation_id=str(op_id), secrets=secret_params),
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
            record(actor=actor, action=Action.OPERATION_START, outcome=Outcome.STARTED,
                   target=vm_target(op), params=audit_params, operation_id=str(op_id))  # fmt: skip
    except IntegrityError:
        other = Operation.objects.filter(
            target_key=plan.target_key, status__in=OperationStatus.ACTIVE
        ).first()
        message = busy_message(other) if other else f"busy: {plan.ref.vm} was busy; try again"
        record(actor=actor, action=Action.OPERATION_START, outcome=Outcome.DENIED,
               target=vm_target(op), params=audit_params, api_error=message)  # fmt: skip
        raise Busy(other, message) from None
    if task_id:
        transaction.on_commit(lambda: dispatch.send(op_id, task_id=task_id))
    notify.changed(op)
    return op


def operation_cancel(*, actor: Actor, operation: Operation) -> Operation:
    """Ask a running operation to stop between steps and put the VM back.

    An operation that never started ends here as ``cancelled``; a finished one is left
    alone. Any panel user may cancel (the team shares the VMs); the audit says who did.
    Returns the row as it is now.
    """
    if actor.user_id is None:
        raise PermissionDenied("Log in first.")
    op = Operation.objects.get(pk=operation.pk)
    if op.is_terminal:
        return op
    Operation.objects.filter(pk=op.pk, status__in=OperationStatus.ACTIVE).update(
        cancel_requested=True, updated_at=timezone.now()
    )
    record(actor=actor, action=Action.OPERATION_CANCEL, outcome=Outcome.SUCCEEDED,
           target=vm_target(op), operation_id=str(op.pk),
           params={"status": op.status, "step": op.current_step_label})  # fmt: skip
    if op.status == OperationStatus.PENDING and not op.touched:
        cancel_unstarted(op, reason=f"Cancelled by {actor.username} before it started.")
    op.refresh_from_db()
    notify.changed(op)
    if op.batch_id is not None and op.is_terminal:
        from panel.operations.batches import fill  # (batches imports this module)

        fill(op.batch_id)  # it may have been the last one the batch waited for
    return op


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
        if ended:
            record(
                actor=actor_of(op),
                action=Action.OPERATION_FINISH,
                outcome=Outcome.CANCELLED,
                target=vm_target(op),
                operation_id=str(op.pk),
                params={"status": OperationStatus.CANCELLED.value},
                api_error=reason,
            )
    if ended:
        op.refresh_from_db()
        notify.changed(op)
    return bool(ended)
