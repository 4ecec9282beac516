"""Steps of deleting a group with everything in it: purge each VM, then delete the group.

Each purge is an operation of the group's batch; the group's own deletion is the batch's
last operation, which waits until every purge has ended and the group is empty before it
asks BigV to delete it (docs/bigv-api.md §7.3: BigV refuses to delete a group that still
holds VMs, deleted ones included). Nothing here can be undone: the undo steps only check
and say honestly what is gone.
"""

from __future__ import annotations

from panel.audit import Action, Target
from panel.bigv import NotFound, VirtualMachine
from panel.operations.models import Operation
from panel.operations.status import OperationStatus
from panel.operations.steps import StepContext
from panel.vm_changes import conf

from .base import Done, StepFailed, StepResult, VmStepContext, Wait


class PurgeStepContext(VmStepContext):
    def find(self) -> VirtualMachine | None:
        """The VM by id, deleted or not; None once it is purged (BigV no longer has it)."""
        try:
            return self.client.vm_by_id(int(self.op.vm_id or 0), include_deleted=True)
        except NotFound:
            return None


def purge(ctx: PurgeStepContext) -> StepResult:
    vm = ctx.find()
    if vm is None:
        return Done("purged" if ctx.acted else "already gone", skipped=not ctx.acted)
    account, group, seg = ctx.path(vm)
    try:
        ctx.write(
            Action.VM_PURGE,
            "purge",
            lambda: ctx.client.vm_delete(account, group, seg, purge=True),
            params={"purge": True},
            before={"power_on": vm.power_on, "deleted": vm.deleted},
        )
    except NotFound:
        # A retried DELETE whose first attempt purged it finds nothing: look, don't guess.
        if ctx.find() is not None:
            raise
    return Done(f"purged {vm.name}")


def verify_gone(ctx: PurgeStepContext) -> StepResult:
    vm = ctx.find()
    if vm is not None:
        raise StepFailed(f"BigV still reports {vm.name}.")
    return Done("BigV no longer reports it")


def undo_purge(ctx: PurgeStepContext) -> StepResult:
    """A purge cannot be undone: say whether it happened."""
    vm = ctx.find()
    if vm is None:
        raise StepFailed(f"{ctx.op.vm_name} was purged; that cannot be undone.")
    return Done(f"{vm.name} still exists: nothing was purged")


# --- the group ---------------------------------------------------------------------------


class GroupStepContext(StepContext):
    """Steps on a group: addressed by account and group id (a rename cannot break it)."""

    @property
    def group_id(self) -> int:
        return int(self.op.params["group_id"])

    @property
    def group_name(self) -> str:
        return str(self.op.params["group"])

    def write_target(self) -> Target:
        return Target.group(self.group_id, self.group_name, self.op.account)

    def remaining(self) -> list[str] | None:
        """The names of the VMs still in the group (deleted ones too); None: it is gone."""
        try:
            group = self.client.group(
                self.op.account, self.group_id, overview=True, include_deleted=True
            )
        except NotFound:
            return None
        return [vm.name for vm in group.virtual_machines]


def wait_purges(ctx: GroupStepContext) -> StepResult:
    """Until every purge of the batch has ended; then the group must be empty."""
    if ctx.op.batch_id is None:
        raise StepFailed("A group is deleted with its VMs only as the last part of a batch.")
    others = Operation.objects.filter(batch_id=ctx.op.batch_id).exclude(pk=ctx.op.pk)
    running = others.filter(status__in=OperationStatus.ACTIVE).count()
    if running:
        return Wait(conf.poll_seconds(), f"waiting for {running} purge(s) to end")
    failed = list(others.exclude(status=OperationStatus.SUCCEEDED).values_list("vm_name", "status"))
    if failed:
        names = ", ".join(f"{name} ({status.replace('_', ' ')})" for name, status in failed)
        raise StepFailed(f"Not deleting the group: purging did not succeed for {names}.")
    left = ctx.remaining()
    if left:
        raise StepFailed(f"Not deleting the group: it still holds {', '.join(sorted(left))}.")
    return Done("every VM is purged")


def delete_group(ctx: GroupStepContext) -> StepResult:
    if ctx.remaining() is None:
        return Done("deleted" if ctx.acted else "already gone", skipped=not ctx.acted)
    try:
        ctx.write(
            Action.GROUP_DELETE,
            f"delete group {ctx.group_name}",
            lambda: ctx.client.group_delete(ctx.op.account, ctx.group_id),
            params={"group": ctx.group_name},
        )
    except NotFound:
        # A retried DELETE whose first attempt deleted it finds nothing: look, don't guess.
        if ctx.remaining() is not None:
            raise
    return Done(f"deleted group {ctx.group_name}")


def verify_group_gone(ctx: GroupStepContext) -> StepResult:
    if ctx.remaining() is not None:
        raise StepFailed(f"BigV still reports group {ctx.group_name}.")
    return Done("BigV no longer reports the group")


def undo_group(ctx: GroupStepContext) -> StepResult:
    """A deleted group cannot come back: say whether it is still there."""
    if ctx.remaining() is None:
        raise StepFailed(f"Group {ctx.group_name} was deleted; that cannot be undone.")
    return Done(f"group {ctx.group_name} is still there")
