"""A plan: the explicit list of steps an operation will run, and the words the user confirms.

Planners live with the objects they change (``panel.vm_changes.plans``); the engine only needs
the shape below. A plan is shown, fingerprinted (``digest``) and then started: what runs is
exactly what the user read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class NothingToDo(Exception):
    """The target is already as asked (e.g. powering on a running VM)."""


class InvalidPlan(ValueError):
    """The request cannot be planned (unknown image, name taken, secrets in a spec…)."""


class PlanTarget(Protocol):
    """Where an operation acts: BigV's path segments, and the id once the object exists."""

    @property
    def account(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def vm(self) -> str: ...
    @property
    def vm_id(self) -> int | None: ...


@dataclass(frozen=True)
class PlanStep:
    name: str  # a step of the kind's workflow (panel.operations.workflows)
    label: str
    args: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "args": dict(self.args)}


@dataclass(frozen=True)
class Plan:
    kind: str
    ref: PlanTarget  # for a create: the new object's name, vm_id None
    steps: tuple[PlanStep, ...]
    original: Mapping[str, Any] = field(hash=False)
    params: Mapping[str, Any] = field(hash=False)
    subject: str = ""  # "web1 is running"
    # What the person is told before Start: things they may not expect ("db2 shrinks from
    # 4 to 2 cores"), whether the change destroys data (a red Start, a typed confirmation),
    # and what putting back after a failure or a cancel can really restore.
    warnings: tuple[str, ...] = ()
    destructive: bool = False
    promise: str = ""
    # The other targets the operation writes to: claimed with it, so no other change runs on
    # any of them meanwhile (panel.operations.holds).
    holds: tuple[PlanTarget, ...] = ()

    def describe(self) -> str:
        """ "web1 is running → ACPI shutdown (up to 60 s, then hard off) → … → verify"."""
        return " → ".join([self.subject, *(step.label for step in self.steps)])

    @property
    def target_key(self) -> str:
        """What "one active operation per target" is unique on: the id once there is one
        (immune to renames and moves), else the path of what is being created."""
        ref = self.ref
        if ref.vm_id is None:
            return f"new:{ref.account}/{ref.group}/{ref.vm}"
        return f"vm:{ref.vm_id}"

    def digest(self) -> str:
        """A fingerprint of what the user read: the plan is started only if, computed again
        from live state, it still has the same one."""
        ref = self.ref
        body = {
            "kind": str(self.kind),
            "target": [ref.account, ref.group, ref.vm, ref.vm_id],
            "describe": self.describe(),
            "steps": [[step.name, step.label, dict(step.args)] for step in self.steps],
            "params": dict(self.params),
            "warnings": list(self.warnings),
        }
        if self.holds:
            body["holds"] = [[h.account, h.group, h.vm, str(h.vm_id)] for h in self.holds]
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()
