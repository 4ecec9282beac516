"""Move the VM to another group (PUT group_id; the brain needs it powered off)."""

from __future__ import annotations

from panel.audit import Action

from .base import Done, StepContext, StepFailed, StepResult


def move(ctx: StepContext) -> StepResult:
    target = int(ctx.args["group_id"])
    vm = ctx.read()
    if vm.group_id == target:
        return Done(f"in group {ctx.args.get('group', target)}", skipped=not ctx.acted)
    account, group, seg = ctx.path(vm)
    vm = ctx.write(
        Action.VM_MOVE,
        f"move to group {ctx.args.get('group', target)}",
        lambda: ctx.client.vm_move(account, group, seg, group_id=target),
        params={"group_id": target, "group": ctx.args.get("group")},
        before={"group_id": vm.group_id},
    )
    if vm.group_id != target:
        raise StepFailed(f"BigV accepted the move but reports group {vm.group_id}.")
    return Done(f"moved to group {ctx.args.get('group', target)}")
