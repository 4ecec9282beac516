"""The plan types and the pieces every planner shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from panel.bigv import BigVClient, VirtualMachine
from panel.operations.describe import grace_text, power_text
from panel.operations.status import OperationKind
from panel.vms.refs import VmRef


class NothingToDo(Exception):
    """The VM is already as asked (e.g. powering on a running VM)."""


class InvalidPlan(ValueError):
    """The request cannot be planned (unknown image, name taken, secrets in a spec…)."""


@dataclass(frozen=True)
class PlanStep:
    name: str  # a key of steps.STEPS
    label: str
    args: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "args": dict(self.args)}


@dataclass(frozen=True)
class Plan:
    kind: str
    ref: VmRef  # for a create: the new VM's name, vm_id None
    steps: tuple[PlanStep, ...]
    original: Mapping[str, Any] = field(hash=False)
    params: Mapping[str, Any] = field(hash=False)
    subject: str = ""  # "web1 is running"

    def describe(self) -> str:
        """ "web1 is running → ACPI shutdown (up to 60 s, then hard off) → … → verify"."""
        return " → ".join([self.subject, *(step.label for step in self.steps)])

    @property
    def target_key(self) -> str:
        return target_key(self.kind, self.ref)


def target_key(kind: str, ref: VmRef) -> str:
    """What "one active operation per VM" is unique on."""
    if kind == OperationKind.CREATE or ref.vm_id is None:
        return f"new:{ref.account}/{ref.group}/{ref.vm}"
    return f"vm:{ref.vm_id}"


def original_state(vm: VirtualMachine, *, account: str, group: str) -> dict[str, Any]:
    """What compensation restores (design.md §6: recorded before the first write)."""
    return {
        "id": vm.id,
        "name": vm.name,
        "account": account,
        "group": group,
        "group_id": vm.group_id,
        "power_on": vm.power_on,
        "autoreboot_on": vm.autoreboot_on,
        "cores": vm.cores,
        "memory": vm.memory,
        "hardware_profile": vm.hardware_profile,
        "hardware_profile_locked": vm.hardware_profile_locked,
        "last_imaged_with": vm.last_imaged_with,
    }


def read_vm(client: BigVClient, ref: VmRef) -> tuple[VmRef, dict[str, Any]]:
    """The VM's live state, and a ref that carries its id."""
    vm = client.vm(ref.account, ref.group, ref.vm)
    resolved = VmRef(account=ref.account, group=ref.group, vm=vm.name, vm_id=vm.id)
    return resolved, original_state(vm, account=ref.account, group=ref.group)


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
