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
        """Where to write: account and group names for the VM's current group, and its id."""
        places = {self.op.original.get("group_id"): (self.op.account, self.op.group)}
        params = self.op.params
        if params.get("target_group_id") is not None:
            places[params["target_group_id"]] = (params["target_account"], params["target_group"])
        account, group = places.get(vm.group_id, (self.op.account, self.op.group))
        return account, group, str(vm.id)

    def after(self, result: object) -> dict[str, Any] | None:
        if not isinstance(result, VirtualMachine):
            return None
        return {name: getattr(result, name) for name in _AFTER}
