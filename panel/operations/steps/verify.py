"""Verify: the VM is what the plan promised, as BigV reports it (not as we think it is)."""

from __future__ import annotations

from typing import Any

from panel.bigv import VirtualMachine

from .base import Done, StepContext, StepFailed, StepResult


def _actual(vm: VirtualMachine, key: str) -> Any:
    if key == "discs":
        return sorted([disc.storage_grade, disc.size] for disc in vm.discs)
    return getattr(vm, key)


def _expected(key: str, value: Any) -> Any:
    if key == "discs":
        return sorted([str(grade), int(size)] for grade, size in value)
    return value


def verify(ctx: StepContext) -> StepResult:
    expect: dict[str, Any] = dict(ctx.args.get("expect", {}))
    vm = ctx.read()
    wrong = [
        f"{key.replace('_', ' ')} is {_actual(vm, key)!r}, expected {_expected(key, value)!r}"
        for key, value in expect.items()
        if _actual(vm, key) != _expected(key, value)
    ]
    if wrong:
        raise StepFailed("BigV reports: " + "; ".join(wrong) + ".")
    shown = ", ".join(f"{k.replace('_', ' ')} {_actual(vm, k)}" for k in expect if k != "discs")
    return Done(f"BigV reports {shown}" if shown else "as planned")
