"""Delete (soft, undeletable for a while), undelete and purge (gone for good, name freed).

Each needs group_admin or above on the VM (docs/bigv-api.md §10).
"""

from __future__ import annotations

from panel.access.levels import Need
from panel.audit import Action
from panel.bigv import BigVClient, VirtualMachine
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._common import VmGone, target_for
from ._guard import guarded


def vm_delete(*, actor: Actor, client: BigVClient, ref: VmRef) -> VmGone:
    def delete(vm: VirtualMachine) -> VmGone:
        client.vm_delete(ref.account, ref.group, ref.vm)
        return VmGone(ref=ref, purged=False)

    return guarded(
        actor=actor,
        action=Action.VM_DELETE,
        client=client,
        ref=ref,
        need=Need.LIFECYCLE,
        call=delete,
        before=lambda vm: {"deleted": vm.deleted, "power_on": vm.power_on},
        after=lambda _: {"deleted": True},
    )


def vm_undelete(*, actor: Actor, client: BigVClient, ref: VmRef) -> VirtualMachine:
    return guarded(
        actor=actor,
        action=Action.VM_UNDELETE,
        client=client,
        ref=ref,
        need=Need.LIFECYCLE,
        call=lambda vm: client.vm_undelete(ref.account, ref.group, ref.vm),
        before=lambda vm: {"deleted": vm.deleted},
        after=lambda vm: {"deleted": vm.deleted},
        target=lambda vm: target_for(ref, vm),
    )


def vm_purge(*, actor: Actor, client: BigVClient, ref: VmRef, confirm_name: str) -> VmGone:
    """Remove the VM completely. ``confirm_name`` is what the user typed; it must be the
    VM's name, checked here too so that no caller can purge without it."""
    if confirm_name != ref.vm:
        raise ValueError("vm_purge: the confirmation does not match the VM's name")

    def purge(vm: VirtualMachine) -> VmGone:
        client.vm_delete(ref.account, ref.group, ref.vm, purge=True)
        return VmGone(ref=ref, purged=True)

    return guarded(
        actor=actor,
        action=Action.VM_PURGE,
        client=client,
        ref=ref,
        need=Need.LIFECYCLE,
        call=purge,
        params={"purge": True},
        before=lambda vm: {"deleted": vm.deleted},
        after=lambda _: {"purged": True},
    )
