"""Plans for deleting a group with everything in it (BC's ``delete group --recursive``):
one purge per VM, then the group itself.

The CLI purges every VM (running ones included: BigV takes them down) and then deletes the
group. Here each purge is an operation of one batch, and the group's deletion is the batch's
last operation: it waits for the purges and deletes the group only if every one succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panel.bigv import Group, VirtualMachine
from panel.vm_changes.describe import power_text
from panel.vm_changes.kinds import OperationKind
from panel.vm_changes.snapshot import VmSnapshot
from panel.vms.refs import VmRef

from .base import Plan, PlanStep

PURGE_WARNING = "Purging cannot be undone: the VM, its discs and its backups are gone for good."


@dataclass(frozen=True)
class GroupPlan(Plan):
    """A plan whose target is a group: one active operation per group (by id)."""

    @property
    def target_key(self) -> str:
        return f"group:{self.params['group_id']}"


def plan_purge(*, account: str, group: Group, vm: VirtualMachine) -> Plan:
    """Purge one VM of the group, from the group's overview (no read of its own: the
    worker reads it again right before the purge)."""
    ref = VmRef(account=account, group=group.name, vm=vm.name, vm_id=vm.id)
    original = VmSnapshot.of(vm, account=account, group=group.name).to_json()
    state = "deleted" if vm.deleted else power_text(vm.power_on)
    steps = (
        PlanStep("purge", f"purge {vm.name} (it is taken down if running)"),
        PlanStep("verify_gone", "verify BigV no longer has it"),
    )
    return Plan(
        OperationKind.PURGE,
        ref,
        steps,
        original,
        {"group_id": group.id, "deleted": vm.deleted},
        f"{vm.name} is {state}",
        warnings=(PURGE_WARNING,),
        destructive=True,
        promise="A purge cannot be undone.",
    )


def plan_group_delete(*, account: str, group: Group) -> GroupPlan:
    """The group's own deletion, after every purge of its batch."""
    name = f"group {group.name}"
    ref = VmRef(account=account, group=group.name, vm=name)
    params: dict[str, Any] = {"group_id": group.id, "group": group.name, "account": account}
    count = len(group.virtual_machines)
    steps = (
        PlanStep("wait_purges", f"wait until its {count} VM(s) are purged"),
        PlanStep("delete_group", f"delete group {group.name}"),
        PlanStep("verify_group_gone", "verify BigV no longer has the group"),
    )
    original = {"exists": True, "group_id": group.id, "group": group.name, "account": account}
    return GroupPlan(
        OperationKind.GROUP_DELETE,
        ref,
        steps,
        original,
        params,
        f"group {group.name} holds {count} VM(s)",
        destructive=True,
        promise="The group is deleted only once every VM in it is purged.",
    )
