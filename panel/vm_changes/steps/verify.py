"""Verify: the VM is what the plan promised, as BigV reports it (not as we think it is)."""

from __future__ import annotations

from typing import Any

from panel.bigv import VirtualMachine

from .base import Done, StepFailed, StepResult, VmStepContext


def _actual(vm: VirtualMachine, key: str) -> Any:
    if key == "discs":
        return sorted([disc.storage_grade, disc.size] for disc in vm.discs)
    return getattr(vm, key)


def _expected(key: str, value: Any) -> Any:
    if key == "discs":
        return sorted([str(grade), int(size)] for grade, size in value)
    return value


def _group_names(ctx: VmStepContext) -> dict[Any, str]:
    """The groups this operation knows by name: where the VM was, and where it was going."""
    op = ctx.op
    names = {op.original.get("group_id"): str(op.original.get("group") or "")}
    if op.params.get("target_group_id") is not None:
        names[op.params["target_group_id"]] = str(op.params.get("target_group") or "")
    return {key: name for key, name in names.items() if key is not None and name}


def _words(key: str, value: Any, groups: dict[Any, str]) -> str:
    """How a person reads a reported value: "running", "memory 4 GiB", "group web" — not
    "power on True" or "group id 3"."""
    if key == "group_id":
        return f"group {groups[value]}" if value in groups else f"group id {value}"
    if key == "power_on":
        return "running" if value else "powered off"
    if key == "memory" and isinstance(value, int):
        return f"memory {value / 1024:g} GiB"
    if isinstance(value, bool):
        # "autoreboot_on" True is "auto-reboot on", not "autoreboot on on".
        name = {"autoreboot_on": "auto-reboot"}.get(key, key.removesuffix("_on"))
        return f"{name.replace('_', ' ')} {'on' if value else 'off'}"
    return f"{key.replace('_', ' ')} {value}"


def verify(ctx: VmStepContext) -> StepResult:
    expect: dict[str, Any] = dict(ctx.args.get("expect", {}))
    vm = ctx.read()
    groups = _group_names(ctx)
    wrong = [
        f"{_words(key, _actual(vm, key), groups)}"
        f" (expected {_words(key, _expected(key, value), groups)})"
        for key, value in expect.items()
        if _actual(vm, key) != _expected(key, value)
    ]
    if wrong:
        raise StepFailed("BigV reports " + "; ".join(wrong) + ".")
    shown = ", ".join(_words(k, _actual(vm, k), groups) for k in expect if k != "discs")
    ctx.state["seen"] = {k: _actual(vm, k) for k in expect if k != "discs"}
    return Done(f"BigV reports {shown}" if shown else "as planned")
