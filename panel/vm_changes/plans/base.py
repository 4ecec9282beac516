"""The pieces every VM planner shares: the VM's live state, power steps, the subject line.

The plan types themselves are the engine's (``panel.operations.plans``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from panel.bigv import BigVClient
from panel.operations.plans import InvalidPlan, NothingToDo, Plan, PlanStep
from panel.vm_changes.describe import grace_text, power_text
from panel.vm_changes.snapshot import VmSnapshot
from panel.vms.refs import VmRef

__all__ = [
    "InvalidPlan",
    "NothingToDo",
    "Plan",
    "PlanStep",
    "check_grace",
    "power_off_step",
    "power_on_step",
    "read_vm",
    "subject",
    "verify_step",
]


def read_vm(client: BigVClient, ref: VmRef) -> tuple[VmRef, dict[str, Any]]:
    """The VM's live state (what compensation will restore), and a ref that carries its id."""
    vm = client.vm(ref.account, ref.group, ref.vm)
    resolved = VmRef(account=ref.account, group=ref.group, vm=vm.name, vm_id=vm.id)
    return resolved, VmSnapshot.of(vm, account=ref.account, group=ref.group).to_json()


def power_off_step(grace: float, hard_off: bool, label: str | None = None) -> PlanStep:
    args = {"grace": float(grace), "hard_off": bool(hard_off)}
    return PlanStep("power_off", label or grace_text(grace, hard_off), args)


def power_on_step(autoreboot_on: bool, label: str = "power on") -> PlanStep:
    return PlanStep("power_on", label, {"autoreboot_on": bool(autoreboot_on)})


def verify_step(expect: Mapping[str, Any]) -> PlanStep:
    return PlanStep("verify", "verify", {"expect": dict(expect)})


def subject(ref: VmRef, original: Mapping[str, Any]) -> str:
    return f"{ref.vm} is {power_text(original['power_on'])}"


def check_grace(grace: float) -> float:
    if grace < 0 or grace > 3600:
        raise InvalidPlan("The grace period must be between 0 and 3600 seconds.")
    return float(grace)
