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


def _words(key: str, value: Any) -> str:
    """How a person reads a reported value: "running", "memory 4 GiB", not "power on True"."""
    if key == "power_on":
        return "running" if value else "powered off"
    if key == "memory" and isinstance(value, int):
        return f"memory {value / 1024:g} GiB"
    if isinstance(value, bool):
        return f"{key.replace('_', ' ')} {'on' if value else 'off'}"
    return f"{key.replace('_', ' ')} {value}"


def verify(ctx: VmStepContext) -> StepResult:
    expect: dict[str, Any] = dict(ctx.args.get("expect", {}))
    vm = ctx.read()
    wrong = [
        f"{key.replace('_', ' ')} is {_actual(vm, key)!r}, expected {_expected(key, value)!r}"
        for key, value in expect.items()
        if _actual(vm, key) != _expected(key, value)
    ]
    if wrong:
        raise StepFailed("BigV reports: " + "; ".join(wrong) + ".")
    shown = ", ".join(_words(k, _actual(vm, k)) for k in expect if k != "discs")
    return Done(f"BigV reports {shown}" if shown else "as planned")
