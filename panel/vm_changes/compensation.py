"""Putting the VM back: the undo plan, and words for when even that fails.

The undo plan is computed from ``original`` (recorded before the first write), not from
what the forward steps think they did: every undo step is check-then-act against the live
VM, so the same list is right whether the failure came before, during or after a change.
It restores, in order: (power off if a value to restore needs it) → group → spec → the
original power state and auto-reboot → verify. A create is undone by deleting what was
built (a soft delete: BigV can undelete it for a while).
"""

from __future__ import annotations

from typing import Any

from panel.bigv import BigVClient, BigVError, VirtualMachine
from panel.operations.models import Operation
from panel.vm_changes import conf
from panel.vm_changes.describe import spec_change_text, vm_state_text
from panel.vm_changes.kinds import OperationKind
from panel.vm_changes.snapshot import SHOWN, SPEC, VmSnapshot


def _step(name: str, label: str, **args: Any) -> dict[str, Any]:
    # The pages mark undo steps themselves ("undo" beside the label): no prefix here.
    return {"name": name, "label": label, "args": args, "undo": True}


def undo_steps(op: Operation) -> list[dict[str, Any]]:
    original = op.original
    if op.kind == OperationKind.CREATE:
        return [_step("undo_create", f"delete the new VM {op.vm_name}")]
    grace = conf.compensation_grace()
    restore: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []
    if op.kind == OperationKind.SPEC_CHANGE:
        spec = {k: original[k] for k in SPEC if k in op.params}
        restore.update(spec)
    if op.kind == OperationKind.MOVE:
        restore["group_id"] = original["group_id"]
    # The lock can change on a running VM; everything else needs it off (contract rule).
    needs_off = {k: v for k, v in restore.items() if k != "hardware_profile_locked"}
    if needs_off:
        steps.append(
            _step(
                "undo_power_off", "power off to restore (if needed)", restore=needs_off, grace=grace
            )
        )
    if op.kind == OperationKind.MOVE:
        group = {"group_id": original["group_id"], "group": original["group"]}
        steps.append(_step("undo_move", f"move back to group {original['group']}", **group))
    if op.kind == OperationKind.SPEC_CHANGE:
        spec = {k: original[k] for k in SPEC if k in op.params}
        current = {k: op.params[k] for k in spec}
        steps.append(_step("undo_spec", spec_change_text(current, spec), spec=spec))
    on = bool(original["power_on"])
    power = {"power_on": on, "autoreboot_on": bool(original["autoreboot_on"]), "grace": grace}
    label = "power on again (it was on)" if on else "make sure it is off (it was off)"
    steps.append(_step("undo_power", label, **power))
    expect = {"power_on": on, "autoreboot_on": bool(original["autoreboot_on"]), **restore}
    steps.append(_step("undo_verify", "verify the original state", expect=expect))
    return steps


def _now(vm: VirtualMachine, op: Operation) -> dict[str, Any]:
    """The VM's state as shown beside ``original``: its group by the name the operation
    knows it by (the original group, or the one it was moving to)."""
    groups = {op.original.get("group_id"): op.original.get("group")}
    if op.params.get("target_group_id") is not None:
        groups[op.params["target_group_id"]] = op.params.get("target_group")
    group = groups.get(vm.group_id, f"id {vm.group_id}")
    return VmSnapshot.of(vm, account=op.account, group=str(group)).shown()


def attention_text(
    op: Operation, vm: VirtualMachine | None, error: str, read_error: str = ""
) -> str:
    """Exactly what the VM looks like now versus before the operation, and what failed."""
    name = op.vm_name
    lines = [f"Could not finish putting {name} back: {error}"]
    if op.kind == OperationKind.CREATE:
        if vm is None:
            lines.append(f"Now: {read_error or 'BigV does not report the new VM'}.")
        else:
            deleted = "deleted (can be undeleted)" if vm.deleted else "exists"
            lines.append(f"Now: {name} (id {vm.id}) {deleted}, {vm_state_text(_now(vm, op))}.")
        lines.append("Before: the VM did not exist.")
        return "\n".join(lines)
    before = VmSnapshot.from_json(op.original).shown()
    if vm is None:
        lines.append(f"Now: unknown — BigV could not be read ({read_error}).")
    else:
        now = _now(vm, op)
        lines.append(f"Now: {name} is {vm_state_text(now)}.")
        diffs = [
            f"{k.replace('_', ' ')} {now[k]!r} (was {before[k]!r})"
            for k in SHOWN
            if now.get(k) != before.get(k)
        ]
        lines.append("Differences: " + ("; ".join(diffs) if diffs else "none") + ".")
    lines.append(f"Before: {name} was {vm_state_text(before)}.")
    return "\n".join(lines)


def attention_now(op: Operation, client: BigVClient | None, error: str) -> str:
    """Read the VM once more (if we can) and say exactly how it differs from before."""
    vm, read_error = None, ""
    if client is None:
        read_error = error
    elif op.vm_id is not None:
        try:
            vm = client.vm_by_id(op.vm_id, include_deleted=True)
        except BigVError as failure:
            read_error = str(failure)
    return attention_text(op, vm, error, read_error)
