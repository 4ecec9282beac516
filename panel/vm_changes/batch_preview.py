"""What a bulk change will do to each VM, shown before Start: now → after, and why it matters.

A batch is one change applied to many VMs, but what it *means* differs per VM: "cores 2" grows
one VM and shrinks another; a hard power-off is nothing to a VM that is off and pulls the plug
on one that runs. So before Start every selected VM is planned from its live state (the same
planner the batch will use), and the person reads a row per VM: its spec and power now and
after, whether it restarts, warnings in words, and the VMs left alone with the reason.

Reading: one listing per group (``group_reads.GroupReads``) rather than one read per VM, so
reviewing 200 VMs in a few groups costs a few calls. Each planned row carries its plan's
digest; at Start each VM is planned again (from a new listing) and started only if its plan
is still the one reviewed — a VM that changed in between is left alone and listed, never
changed on a plan nobody read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from panel.access.policy import Denied
from panel.bigv import BigVClient, BigVError, NotFound
from panel.core.actor import Actor
from panel.vm_changes.describe import memory_text, power_text
from panel.vm_changes.group_reads import GroupReads
from panel.vm_changes.kinds import OperationKind
from panel.vm_changes.plans import InvalidPlan, NothingToDo, Plan, plan_for_batch
from panel.vms.refs import VmRef

# Kinds whose compensation restores spec and power state (panel.vm_changes.compensation).
_RESTORED = frozenset(
    {
        OperationKind.SPEC_CHANGE,
        OperationKind.GRACEFUL_RESTART,
        OperationKind.GRACEFUL_SHUTDOWN,
        OperationKind.POWER_ON,
        OperationKind.POWER_OFF,
    }
)
DIGEST_LENGTH = 16  # enough to tell plans apart; keeps 200 of them small in a form
SHOWN = ("cores", "memory", "hardware_profile", "power_on")


@dataclass(frozen=True)
class PreviewRow:
    ref: VmRef
    now: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    effect: str = ""  # "restarts: ACPI shutdown (up to 60 s, then hard off)"
    warnings: tuple[str, ...] = ()
    skipped: str = ""  # why nothing will be done to it
    digest: str = ""
    hard_off_running: bool = False  # loses power without a shutdown

    @property
    def key(self) -> str:
        return f"{self.ref.account}/{self.ref.group}/{self.ref.vm}"

    def now_text(self) -> str:
        return _state_text(self.now)

    def after_text(self) -> str:
        return _state_text(self.after)


@dataclass(frozen=True)
class BatchPreview:
    kind: str
    rows: tuple[PreviewRow, ...]

    @property
    def planned(self) -> tuple[PreviewRow, ...]:
        return tuple(row for row in self.rows if row.digest)

    @property
    def skipped(self) -> tuple[PreviewRow, ...]:
        return tuple(row for row in self.rows if not row.digest)

    @property
    def hard_off_count(self) -> int:
        return sum(1 for row in self.rows if row.hard_off_running)

    @property
    def destructive(self) -> bool:
        """Some VM loses power without shutting down: a red Start and a typed confirmation."""
        return self.hard_off_count > 0

    @property
    def warning_count(self) -> int:
        return sum(1 for row in self.planned if row.warnings)

    @property
    def promise(self) -> str:
        """What failing or stopping means for a VM — only what putting back can really do."""
        if self.kind in _RESTORED:
            return (
                "If a VM's change fails, or you stop the batch while it runs, that VM is put "
                "back: its spec and its power state."
            )
        return "If a VM's change fails, the others carry on up to the failure limit."

    def digests(self) -> dict[str, str]:
        return {row.key: row.digest for row in self.planned}


def _state_text(state: Mapping[str, Any] | None) -> str:
    if not state:
        return ""
    parts = [power_text(state.get("power_on"))]
    if state.get("cores") is not None:
        parts.append(f"{state['cores']} core{'s' if state['cores'] != 1 else ''}")
    if state.get("memory") is not None:
        parts.append(memory_text(state["memory"]))
    if state.get("hardware_profile"):
        parts.append(str(state["hardware_profile"]))
    return ", ".join(parts)


def short_digest(plan: Plan) -> str:
    return plan.digest()[:DIGEST_LENGTH]


def _after(kind: str, plan: Plan, now: dict[str, Any]) -> dict[str, Any]:
    after = dict(now)
    if kind == OperationKind.SPEC_CHANGE:
        after.update({k: plan.params[k] for k in SHOWN if k in plan.params})
    elif kind == OperationKind.GRACEFUL_SHUTDOWN or kind == OperationKind.POWER_OFF:
        after["power_on"] = False
    elif kind == OperationKind.POWER_ON:
        after["power_on"] = True
    return after


def _effect(kind: str, plan: Plan, now: Mapping[str, Any]) -> str:
    if kind == OperationKind.POWER_OFF:
        return "loses power at once (no shutdown)"
    if kind == OperationKind.POWER_ON:
        return "powers on"
    first = plan.steps[0] if plan.steps else None
    if first is not None and first.name == "power_off":
        verb = "shuts down" if kind == OperationKind.GRACEFUL_SHUTDOWN else "restarts"
        return f"{verb}: {first.label}"
    if now.get("power_on") is False:
        return "stays off (changed while off)"
    return " → ".join(step.label for step in plan.steps)


def _warnings(kind: str, plan: Plan, now: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    warnings: list[str] = []
    if kind == OperationKind.SPEC_CHANGE:
        shrinks = [
            f"{name} {_value(name, now[name])}→{_value(name, after[name])}"
            for name in ("cores", "memory")
            if isinstance(now.get(name), int)
            and isinstance(after.get(name), int)
            and after[name] < now[name]
        ]
        if shrinks:
            warnings.append("Shrinks: " + ", ".join(shrinks) + ".")
    if kind == OperationKind.POWER_OFF and now.get("power_on"):
        warnings.append(
            "Running: it loses power at once, without shutting down — whatever it has not "
            "written to disc is lost."
        )
    return warnings


def _value(name: str, value: int) -> str:
    return memory_text(value) if name == "memory" else str(value)


def _row(kind: str, ref: VmRef, plan: Plan) -> PreviewRow:
    now = {k: plan.original.get(k) for k in SHOWN}
    after = _after(kind, plan, now)
    return PreviewRow(
        ref=ref,
        now=now,
        after=after,
        effect=_effect(kind, plan, now),
        warnings=tuple(_warnings(kind, plan, now, after)),
        digest=short_digest(plan),
        hard_off_running=kind == OperationKind.POWER_OFF and bool(now.get("power_on")),
    )


def preview(
    *,
    actor: Actor,
    client: BigVClient,
    refs: Iterable[VmRef],
    kind: str,
    params: Mapping[str, Any],
    allowed: Any,
    busy: Any,
) -> BatchPreview:
    """One row per selected VM. ``allowed(actor, plan)`` refuses what the person may not
    change (``Denied``), ``busy(ref)`` names an operation already running on it."""
    reads = cast(BigVClient, GroupReads(client))
    rows: list[PreviewRow] = []
    for ref in refs:
        # Someone working on it says more than anything its state would (by name first: the
        # id is only known once it is read).
        if (running := busy(ref)) is not None:
            rows.append(PreviewRow(ref=ref, skipped=str(running.message)))
            continue
        try:
            plan = plan_for_batch(client=reads, ref=ref, kind=kind, params=dict(params))
            allowed(actor, plan)
        except NothingToDo as nothing:
            rows.append(PreviewRow(ref=ref, skipped=f"Nothing to do: {nothing}"))
            continue
        except (InvalidPlan, Denied) as refusal:
            rows.append(PreviewRow(ref=ref, skipped=str(refusal)))
            continue
        except NotFound:
            rows.append(PreviewRow(ref=ref, skipped="Not found, or not visible to your BigV user."))
            continue
        except BigVError as error:
            rows.append(PreviewRow(ref=ref, skipped=f"Could not be read: {error}"))
            continue
        assert isinstance(plan.ref, VmRef)
        if (running := busy(plan.ref)) is not None:
            rows.append(PreviewRow(ref=plan.ref, skipped=str(running.message)))
            continue
        rows.append(_row(kind, plan.ref, plan))
    return BatchPreview(kind=kind, rows=tuple(rows))
