"""Holds: an operation that acts on more than one target claims every one of them.

An operation row targets one object, and "one active operation per target" is the unique
index on ``target_key``. A change that writes to two VMs (swapping their addresses, moving a
disc from one to the other) must keep every other change off *both*, so its plan names the
others (``Plan.holds``) and ``operation_start`` inserts, in the same transaction as the
operation itself, one **hold** row per other target:

- a hold is an ``Operation`` of the same kind on the held target, ``running`` from the start,
  with ``params = {"held_by": <the operation's id>, "with": <its target's label>}`` — so the
  same unique index refuses a
  second start on that target ("busy"), and direct actions on it are refused as busy;
- it has no plan, no lease and is never enqueued (``enqueued_at`` stays NULL): no worker
  runs it, the reconciler and "unattended" look only at enqueued rows;
- it ends in the same transaction as its operation (``release``), with the same status; a
  cancel asked of a hold is a cancel of its operation (``holder_of``).

Either every target is claimed or none is: the inserts share one transaction, and the first
conflicting one rolls all of them back.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from panel.operations.models import Operation
from panel.operations.plans import Plan, PlanTarget
from panel.operations.status import OperationStatus

HELD_BY = "held_by"


def target_key(target: PlanTarget) -> str:
    return f"vm:{target.vm_id}"


def insert(op: Operation, plan: Plan) -> list[Operation]:
    """One running hold per target of ``plan.holds`` (call inside the start's transaction;
    an ``IntegrityError`` means one of them is busy)."""
    rows: list[Operation] = []
    for held in plan.holds:
        if held.vm_id is None:
            raise ValueError("a held target needs its id")
        row = Operation(
            kind=op.kind,
            status=OperationStatus.RUNNING,
            actor_id=op.actor_id,
            actor_username=op.actor_username,
            source_ip=op.source_ip,
            request_id=op.request_id,
            account=held.account,
            group=held.group,
            vm_name=held.vm,
            vm_id=held.vm_id,
            target_key=target_key(held),
            params={HELD_BY: str(op.pk), "with": f"{op.vm_name} in {op.account}/{op.group}"},
            created_at=op.created_at,
            updated_at=op.created_at,
            started_at=op.created_at,
        )
        row.save(force_insert=True)
        rows.append(row)
    return rows


def keys(plan: Plan) -> list[str]:
    """Every target key the plan claims: its own, then the held ones."""
    return [plan.target_key, *(target_key(held) for held in plan.holds)]


def of(op: Operation) -> Any:
    """The active holds of ``op``."""
    return Operation.objects.filter(params__held_by=str(op.pk), status__in=OperationStatus.ACTIVE)


def release(op: Operation, status: str) -> list[Operation]:
    """End ``op``'s holds with its own ending ``status`` (call inside the transaction that
    ends it); returns them, ended, for the caller to announce."""
    now = timezone.now()
    rows = list(of(op))
    for row in rows:
        row.status, row.finished_at, row.updated_at = status, now, now
    Operation.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=status, finished_at=now, updated_at=now
    )
    return rows


def holder_of(op: Operation) -> Operation | None:
    """The operation a hold is held by (None for an ordinary operation)."""
    held_by = (op.params or {}).get(HELD_BY) if isinstance(op.params, dict) else None
    if not held_by:
        return None
    return Operation.objects.filter(pk=held_by).first()


def is_hold(op: Operation) -> bool:
    return isinstance(op.params, dict) and bool(op.params.get(HELD_BY))
