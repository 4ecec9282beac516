"""What the VM-change pages call: plan from live state, then start what was confirmed.

Planning reads the VM with the acting person's own client (``plans``); starting checks once
more that the VM is still what the plan was made from, then hands the plan to the engine
(``panel.operations.services.operation_start``), which runs it with the same person's
credentials.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from panel.access.levels import Need
from panel.access.policy import Denied, require_group, require_vm
from panel.audit import Action, Target
from panel.bigv import BigVClient
from panel.core.actor import Actor
from panel.operations import batches
from panel.operations.models import Batch, Operation
from panel.operations.services import Busy, operation_start
from panel.vm_changes.kinds import BATCH_KINDS, OperationKind
from panel.vm_changes.plans import (
    InvalidPlan,
    NothingToDo,
    Plan,
    plan_create,
    plan_for_batch,
    plan_graceful,
    plan_move,
    plan_power,
    plan_reimage,
    plan_spec_change,
)
from panel.vm_changes.snapshot import PLAN_DEPENDS_ON, VmSnapshot
from panel.vms.refs import VmRef

__all__ = [
    "Busy",
    "InvalidPlan",
    "NothingToDo",
    "Plan",
    "PlanOutdated",
    "batch_start",
    "change_start",
    "plan_create",
    "plan_graceful",
    "plan_move",
    "plan_power",
    "plan_reimage",
    "plan_spec_change",
]


class PlanOutdated(InvalidPlan):
    """The VM changed since the plan was shown; the user should look at a new plan."""


def _check_fresh(client: BigVClient, plan: Plan) -> None:
    ref = plan.ref
    vm = client.vm(ref.account, ref.group, ref.vm)
    now = VmSnapshot.of(vm, account=ref.account, group=ref.group)
    changed = now.differs(plan.original, PLAN_DEPENDS_ON)
    if changed:
        what = ", ".join(k.replace("_", " ") for k in changed)
        raise PlanOutdated(f"{ref.vm} changed since the plan was made ({what}).")


# What each kind needs (docs/bigv-api.md §10): creating and moving VMs is group_admin's.
NEEDS = {OperationKind.CREATE: Need.LIFECYCLE, OperationKind.MOVE: Need.LIFECYCLE}


def require_allowed(actor: Actor, plan: Plan) -> None:
    """Refuse (``Denied``, audited) a plan the person's role or BigV level does not allow —
    before any API call. A move needs group_admin where the VM is and where it goes."""
    ref = plan.ref
    need = NEEDS.get(OperationKind(plan.kind), Need.MANAGE)
    target = Target.vm(ref.vm_id or plan.target_key, ref.vm, ref.account, ref.group)
    action = Action.OPERATION_START
    if plan.kind == OperationKind.CREATE:
        require_group(
            actor=actor,
            account=ref.account,
            group=ref.group,
            need=need,
            action=action,
            target=target,
        )
        return
    require_vm(
        actor=actor, vm_id=ref.vm_id, vm_name=ref.vm, need=need, action=action, target=target
    )
    if plan.kind == OperationKind.MOVE:
        params = plan.params
        require_group(
            actor=actor,
            account=params["target_account"],
            group=params["target_group"],
            need=need,
            action=action,
            target=target,
        )


def change_start(
    *,
    actor: Actor,
    client: BigVClient,
    plan: Plan,
    secret_params: Mapping[str, str] | None = None,
) -> Operation:
    """Start the plan the user confirmed: refused first if the person may not (``Denied``);
    the VM is read once more: ``PlanOutdated`` when it changed since planning (a create has
    nothing to re-read). ``Busy`` when the VM already has an active operation."""
    require_allowed(actor, plan)
    if plan.kind != OperationKind.CREATE:
        _check_fresh(client, plan)
    return operation_start(actor=actor, plan=plan, secret_params=secret_params)


def _allowed(actor: Actor, plan: Plan) -> Plan:
    """A batch skips the VMs the person may not change (with the reason), like busy ones."""
    try:
        require_allowed(actor, plan)
    except Denied as refusal:
        raise InvalidPlan(refusal.message) from None
    return plan


def _once_each(refs: Iterable[VmRef]) -> Iterator[VmRef]:
    """Each VM once, in order — lazily: the first operations start while a long selection
    is still being planned."""
    seen: set[tuple[str, str, str]] = set()
    for ref in refs:
        key = (ref.account, ref.group, ref.vm)
        if key not in seen:
            seen.add(key)
            yield ref


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
    """One change to every VM of ``refs`` (each planned from its live state), ``concurrency``
    at a time. VMs that need nothing, cannot be planned or are busy are skipped with the
    reason (``batch.skipped``)."""
    if kind not in BATCH_KINDS:
        raise InvalidPlan(f"{kind} cannot be applied to several VMs at once.")
    return batches.batch_start(
        actor=actor,
        kind=kind,
        params=params,
        concurrency=concurrency,
        stop_after_failures=stop_after_failures,
        targets=_once_each(refs),
        plan=lambda ref: _allowed(
            actor, plan_for_batch(client=client, ref=ref, kind=kind, params=dict(params))
        ),
        label=lambda ref: ref.label,
    )
