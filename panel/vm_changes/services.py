"""What the VM-change pages call: plan from live state, then start what was confirmed.

Planning reads the VM with the acting person's own client (``plans``); starting checks once
more that the VM is still what the plan was made from, then hands the plan to the engine
(``panel.operations.services.operation_start``), which runs it with the same person's
credentials.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from panel.access.levels import Need
from panel.access.policy import (
    Denied,
    people_remembered,
    person,
    refusal,
    require_group,
    require_vm,
    vm_abilities,
)
from panel.audit import Action, Target
from panel.bigv import BigVClient
from panel.core.actor import Actor
from panel.operations import batches
from panel.operations.models import Batch, Operation
from panel.operations.services import Busy, busy_message, operation_start
from panel.operations.status import OperationStatus
from panel.vm_changes.batch_preview import BatchPreview, preview, short_digest
from panel.vm_changes.group_reads import GroupReads
from panel.vm_changes.kinds import BATCH_KINDS, OperationKind
from panel.vm_changes.plans import (
    InvalidPlan,
    NothingToDo,
    Plan,
    plan_backup_discs,
    plan_create,
    plan_for_batch,
    plan_graceful,
    plan_move,
    plan_power,
    plan_reimage,
    plan_restore,
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
    "batch_preview",
    "batch_start",
    "change_start",
    "plan_backup_discs",
    "plan_create",
    "plan_graceful",
    "plan_move",
    "plan_power",
    "plan_reimage",
    "plan_restore",
    "plan_spec_change",
]


class PlanOutdated(InvalidPlan):
    """The VM changed since the plan was shown; the user should look at a new plan."""


def busy_with(ref: VmRef | None) -> Busy | None:
    """The operation already running on this VM, as "busy: alice is …" — asked before a
    plan is made or compared, so that a second tab hears the real reason at once (not "the
    VM changed", which is only what the first tab's operation did to it)."""
    if ref is None:
        return None
    rows = Operation.objects.filter(status__in=OperationStatus.ACTIVE)
    if ref.vm_id is not None:
        rows = rows.filter(vm_id=ref.vm_id)
    else:
        rows = rows.filter(account=ref.account, group=ref.group, vm_name=ref.vm)
    operation = rows.order_by("created_at").first()
    return Busy(operation, busy_message(operation)) if operation is not None else None


def _check_fresh(client: BigVClient, plan: Plan) -> None:
    """The VM — and every VM the plan holds (its state in ``original["holds"]``) — is
    still as the plan was made from."""
    held = list(plan.original.get("holds") or [])
    for ref, was in zip((plan.ref, *plan.holds), (plan.original, *held), strict=True):
        vm = client.vm(ref.account, ref.group, ref.vm)
        now = VmSnapshot.of(vm, account=ref.account, group=ref.group)
        changed = now.differs(was, PLAN_DEPENDS_ON)
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
    for held in plan.holds:  # a change of two VMs needs the same level on both
        require_vm(
            actor=actor, vm_id=held.vm_id, vm_name=held.vm, need=need, action=action, target=target
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


def _quietly_allowed(actor: Actor, plan: Plan) -> None:
    """``require_allowed`` for a preview: the same rule, but nothing is attempted yet, so
    nothing is audited. Only VM-level kinds are ever previewed (``BATCH_KINDS``)."""
    user = person(actor)
    need = NEEDS.get(OperationKind(plan.kind), Need.MANAGE)
    message = refusal(user, vm_abilities(user, plan.ref.vm_id), need, plan.ref.vm)
    if message is not None:
        raise InvalidPlan(message)


def batch_preview(
    *, actor: Actor, client: BigVClient, refs: Iterable[VmRef], kind: str, params: Mapping[str, Any]
) -> BatchPreview:
    """What the batch would do to each VM, read from live state (nothing is changed)."""
    if kind not in BATCH_KINDS:
        raise InvalidPlan(f"{kind} cannot be applied to several VMs at once.")
    with people_remembered():
        return preview(
            actor=actor,
            client=client,
            refs=_once_each(refs),
            kind=kind,
            params=params,
            allowed=_quietly_allowed,
            busy=busy_with,
        )


def _as_reviewed(plan: Plan, reviewed: Mapping[str, str] | None) -> Plan:
    """Start a VM only on the plan the person read in the preview (by digest)."""
    if reviewed is None:
        return plan
    ref = plan.ref
    expected = reviewed.get(f"{ref.account}/{ref.group}/{ref.vm}")
    if expected is None:
        raise InvalidPlan(f"{ref.vm} was not in the plan you reviewed; left alone.")
    if short_digest(plan) != expected:
        raise InvalidPlan(f"{ref.vm} changed since you reviewed the plan; left alone.")
    return plan


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
    reviewed: Mapping[str, str] | None = None,
) -> Batch:
    """One change to every VM of ``refs`` (each planned from its live state), ``concurrency``
    at a time. VMs that need nothing, cannot be planned or are busy are skipped with the
    reason (``batch.skipped``). ``reviewed`` (VM key → plan digest, from ``batch_preview``):
    a VM whose plan is no longer the one the person read is skipped too."""
    if kind not in BATCH_KINDS:
        raise InvalidPlan(f"{kind} cannot be applied to several VMs at once.")
    # Each group listed once, and the person's rights read once, for the whole batch.
    reads = cast(BigVClient, GroupReads(client))
    with people_remembered():
        return batches.batch_start(
            actor=actor,
            kind=kind,
            params=params,
            concurrency=concurrency,
            stop_after_failures=stop_after_failures,
            targets=_once_each(refs),
            plan=lambda ref: _allowed(
                actor,
                _as_reviewed(
                    plan_for_batch(client=reads, ref=ref, kind=kind, params=dict(params)), reviewed
                ),
            ),
            label=lambda ref: ref.label,
        )
