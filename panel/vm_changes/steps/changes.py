"""Changes of an existing VM: apply a spec as absolute values; move it to another group."""

from __future__ import annotations

from typing import Any

from panel.audit import Action
from panel.vm_changes.describe import spec_change_text

from .base import Done, StepFailed, StepResult, VmStepContext


def apply_spec(ctx: VmStepContext) -> StepResult:
    """PUT only the fields that differ; a resumed step whose PUT already landed does nothing.

    On a running VM the brain refuses decreases and profile changes (docs/bigv-api.md §8.5
    running-VM rule) — the plan powers it off first; a refusal fails the step.
    """
    wanted: dict[str, Any] = dict(ctx.args.get("spec", {}))
    vm = ctx.read()
    before = {k: getattr(vm, k) for k in wanted}
    changes = {k: v for k, v in wanted.items() if before[k] != v}
    if not changes:
        return Done("already so", skipped=not ctx.acted)
    account, group, seg = ctx.path(vm)
    vm = ctx.write(
        Action.VM_UPDATE,
        "set " + ", ".join(sorted(changes)),
        lambda: ctx.client.vm_update(account, group, seg, **changes),
        params=changes,
        before={k: before[k] for k in changes},
    )
    wrong = {k: getattr(vm, k) for k, v in changes.items() if getattr(vm, k) != v}
    if wrong:
        raise StepFailed(f"BigV accepted the change but reports {wrong}.")
    return Done(spec_change_text(before, changes))


def move(ctx: VmStepContext) -> StepResult:
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
