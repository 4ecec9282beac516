"""Stopping work: who may cancel an operation or stop a batch (``panel.access.policy``).

The starter, a superuser, or a person whose own role and BigV level allow changing the VM.
A refusal is audited as denied and raised as ``Denied`` (a 403 that says why).
"""

from __future__ import annotations

from panel.access.policy import Denied, may_cancel, may_stop, person
from panel.audit import Action, Outcome, record
from panel.core.actor import Actor
from panel.operations import batches, services
from panel.operations.models import Batch, Operation
from panel.operations.steps import audit_target


def operation_cancel(*, actor: Actor, operation: Operation) -> Operation:
    if not may_cancel(person(actor), operation):
        message = (
            f"Only {operation.actor_username}, a superuser, or someone whose BigV user may "
            f"change {operation.vm_name} can cancel this."
        )
        record(
            actor=actor,
            action=Action.OPERATION_CANCEL,
            outcome=Outcome.DENIED,
            target=audit_target(operation),
            operation_id=str(operation.pk),
            api_error=message,
        )
        raise Denied(message)
    return services.operation_cancel(actor=actor, operation=operation)


def batch_stop(*, actor: Actor, batch: Batch) -> Batch:
    if not may_stop(person(actor), batch):
        message = (
            f"Only {batch.actor_username}, a superuser, or someone whose BigV user may change "
            "every VM still in it can stop this bulk change."
        )
        record(
            actor=actor,
            action=Action.OPERATION_CANCEL,
            outcome=Outcome.DENIED,
            target=None,
            params={"batch": str(batch.pk)},
            api_error=message,
        )
        raise Denied(message)
    return batches.batch_cancel(actor=actor, batch=batch)
