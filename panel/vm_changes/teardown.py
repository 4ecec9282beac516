"""Deleting a group with everything in it: the purge and group-delete workflows, and the
batch that runs them (BC's ``delete group --recursive``, docs/bigv-api.md §7.3).

The batch holds one purge per VM of the group — deleted VMs included, since BigV counts
them — and, last, the group's own deletion, which waits for the purges and deletes the
group only if every one succeeded. It stops at the first failure: what is still waiting is
cancelled, so a group whose VMs could not all be purged is never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from panel.access.levels import Need
from panel.access.policy import require_account
from panel.audit import Action, Target
from panel.bigv import BigVClient, BigVError, Group, NotFound, VirtualMachine
from panel.core.actor import Actor
from panel.operations import batches
from panel.operations.models import Batch, Operation
from panel.operations.workflows import NotStartable, Workflow
from panel.vm_changes.kinds import DOING, OperationKind
from panel.vm_changes.plans.teardown import plan_group_delete, plan_purge
from panel.vm_changes.steps import teardown as steps

CONCURRENCY = 4

PURGE_STEPS = {
    "purge": steps.purge,
    "verify_gone": steps.verify_gone,
    "undo_purge": steps.undo_purge,
}
GROUP_STEPS = {
    "wait_purges": steps.wait_purges,
    "delete_group": steps.delete_group,
    "verify_group_gone": steps.verify_group_gone,
    "undo_group": steps.undo_group,
}


def _undo(op: Operation) -> list[dict[str, Any]]:
    """Nothing comes back: one step that checks and says what is gone."""
    if op.kind == OperationKind.PURGE:
        name, label = "undo_purge", f"check whether {op.vm_name} was purged"
    else:
        name, label = "undo_group", f"check whether {op.vm_name} was deleted"
    return [{"name": name, "label": label, "args": {}, "undo": True}]


def _begin_purge(op: Operation, client: BigVClient) -> Mapping[str, Any]:
    try:
        client.vm_by_id(int(op.vm_id or 0), include_deleted=True)
    except NotFound:
        return {**op.original, "exists": False}  # already gone: the steps say so
    except BigVError as error:
        raise NotStartable(f"Could not read {op.vm_name}: {error}") from error
    return op.original


def _begin_group(op: Operation, client: BigVClient) -> Mapping[str, Any]:
    try:
        client.group(op.account, int(op.params["group_id"]))
    except BigVError as error:
        raise NotStartable(f"Could not read {op.vm_name}: {error}") from error
    return op.original


def _attention(op: Operation, client: BigVClient | None, error: str) -> str:
    return f"{op.vm_name} in {op.account}: {error}"


def _summary(kind: str, params: Mapping[str, Any], original: Mapping[str, Any]) -> str:
    if kind == OperationKind.PURGE:
        return "Purge (deleted VM)" if params.get("deleted") else "Purge"
    return f"Delete group {params.get('group', '?')} once its VMs are purged"


def workflows() -> list[Workflow]:
    kinds = (
        (OperationKind.PURGE, PURGE_STEPS, _begin_purge, steps.PurgeStepContext),
        (OperationKind.GROUP_DELETE, GROUP_STEPS, _begin_group, steps.GroupStepContext),
    )
    return [
        Workflow(
            kind=kind.value,
            label=str(kind.label),
            doing=DOING[kind],
            steps=kind_steps,
            begin=begin,
            undo=_undo,
            attention=_attention,
            summary=_summary,
            context=context,
        )
        for kind, kind_steps, begin, context in kinds
    ]


def group_contents(*, client: BigVClient, account: str, group: str) -> Group:
    """The group with every VM BigV counts in it (deleted ones too)."""
    return client.group(account, group, overview=True, include_deleted=True)


def group_teardown_start(*, actor: Actor, client: BigVClient, account: str, group: str) -> Batch:
    """Purge every VM of the group, then delete it (one batch). Refused before any call
    unless the person may delete the account's groups (account_admin)."""
    target = Target.group(group, group, account)
    require_account(
        actor=actor,
        account=account,
        need=Need.ADMINISTER,
        action=Action.GROUP_DELETE,
        target=target,
    )
    found = group_contents(client=client, account=account, group=group)
    targets: list[VirtualMachine | Group] = [*found.virtual_machines, found]

    def plan(item: VirtualMachine | Group) -> Any:
        if isinstance(item, Group):
            return plan_group_delete(account=account, group=found)
        return plan_purge(account=account, group=found, vm=item)

    return batches.batch_start(
        actor=actor,
        kind=OperationKind.GROUP_DELETE,
        params={"account": account, "group": found.name, "group_id": found.id},
        concurrency=CONCURRENCY,
        stop_after_failures=1,
        targets=targets,
        plan=plan,
        label=lambda item: f"group {item.name}" if isinstance(item, Group) else item.name,
    )
