"""What a VM step gets: the engine's ``StepContext`` plus reading and addressing the VM.

Steps are idempotent by check-then-act (``panel.operations.steps``): each reads the VM by id
first (immune to renames and moves), does nothing if it is already there, else writes
absolute values through ``ctx.write``.
"""

from __future__ import annotations

from typing import Any

from panel.bigv import NotFound, VirtualMachine
from panel.operations.steps import Done, StepContext, StepFailed, StepResult, Wait

__all__ = ["Done", "StepFailed", "StepResult", "VmStepContext", "Wait"]

# What a write's answer says about the VM, for its audit entry.
_AFTER = ("power_on", "autoreboot_on", "cores", "memory", "hardware_profile", "group_id")


class VmStepContext(StepContext):
    def read(self) -> VirtualMachine:
        """The VM as BigV reports it now (by id: immune to renames and moves)."""
        if self.op.vm_id is None:
            raise StepFailed("The operation does not know the VM's id yet.")
        try:
            vm = self.client.vm_by_id(self.op.vm_id, include_deleted=True)
        except NotFound as error:
            raise StepFailed(f"{self.op.vm_name} no longer exists (or is not visible).") from error
        if vm.deleted:
            raise StepFailed(f"{self.op.vm_name} has been deleted.")
        return vm

    def path(self, vm: VirtualMachine) -> tuple[str, str, str]:
        """Where to write: the account, then the VM's group and the VM **by id** — so that
        renaming the group (or the VM) while an operation runs cannot break it."""
        params = self.op.params
        account = self.op.account
        if params.get("target_group_id") is not None and vm.group_id == params["target_group_id"]:
            account = params["target_account"]
        return account, str(vm.group_id), str(vm.id)

    def was(self, key: str) -> Any:
        """The VM's ``key`` before the operation's first write (``original``)."""
        return self.op.original.get(key)

    def group_segment(self) -> str:
        """The group the operation started in, by id (a create's group, before any VM)."""
        group_id = self.op.original.get("group_id")
        return str(group_id) if group_id is not None else self.op.group

    def after(self, result: object) -> dict[str, Any] | None:
        if not isinstance(result, VirtualMachine):
            return None
        return {name: getattr(result, name) for name in _AFTER}
