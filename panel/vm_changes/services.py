"""What the VM-change pages call: plan from live state, then start what was confirmed.

Planning reads the VM with the acting person's own client (``plans``); starting checks once
more that the VM is still what the plan was made from, then hands the plan to the engine
(``panel.operations.services.operation_start``), which runs it with the same person's
credentials.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

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


def change_start(
    *,
    actor: Actor,
    client: BigVClient,
    plan: Plan,
    secret_params: Mapping[str, str] | None = None,
) -> Operation:
    """Start the plan the user confirmed. The VM is read once more first: ``PlanOutdated``
    when it changed since planning (a create has nothing to re-read). ``Busy`` when the VM
    already has an active operation."""
    if plan.kind != OperationKind.CREATE:
        _check_fresh(client, plan)
    return operation_start(actor=actor, plan=plan, secret_params=secret_params)


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
        plan=lambda ref: plan_for_batch(client=client, ref=ref, kind=kind, params=dict(params)),
        label=lambda ref: ref.label,
    )
