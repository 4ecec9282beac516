"""Words for operations: plan labels, one-line summaries, "busy" messages, VM states.

Kept in one place so that the plan the user confirmed, the row's summary and the audit
trail all describe a change with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from panel.vm_changes.kinds import OperationKind
from panel.vm_changes.snapshot import SPEC, VmSnapshot


def memory_text(mib: object) -> str:
    if not isinstance(mib, int):
        return str(mib)
    if mib % 1024 == 0:
        return f"{mib // 1024} GiB"
    return f"{mib} MiB"


def _value(field: str, value: object) -> str:
    if field == "memory":
        return memory_text(value).removesuffix(" GiB") if isinstance(value, int) else str(value)
    return str(value)


def spec_change_text(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """ "cores 2→4, memory 2→4 GiB" for the fields in ``after``."""
    parts: list[str] = []
    for field in SPEC:
        if field not in after:
            continue
        old, new = before.get(field), after[field]
        if field == "hardware_profile_locked":
            parts.append("lock hardware profile" if new else "unlock hardware profile")
        elif field == "memory" and _gib(old) and _gib(new):
            parts.append(f"memory {_value(field, old)}→{memory_text(new)}")
        elif field == "memory":
            parts.append(f"memory {memory_text(old)}→{memory_text(new)}")
        else:
            parts.append(f"{field.replace('_', ' ')} {old}→{new}")
    return ", ".join(parts)


def _gib(value: object) -> bool:
    return isinstance(value, int) and value % 1024 == 0


def power_text(on: object) -> str:
    return "running" if on else "powered off"


def grace_text(grace: float, hard_off: bool) -> str:
    if grace <= 0:
        return "Hard power off"
    tail = ", then hard off" if hard_off else "; fail if the OS ignores it"
    return f"ACPI shutdown (up to {grace:g} s{tail})"


def summary(kind: str, params: Mapping[str, Any], original: Mapping[str, Any]) -> str:
    """One line: "Change spec: cores 2→4"."""
    label = OperationKind(kind).label if kind in OperationKind.values else kind
    if kind == OperationKind.SPEC_CHANGE:
        spec = {k: params[k] for k in SPEC if k in params}
        return f"{label}: {spec_change_text(original, spec)}"
    if kind == OperationKind.MOVE:
        where = params.get("target_group", "?")
        if params.get("target_account") not in (None, original.get("account")):
            where = f"{params['target_account']}/{where}"  # into another account
        return f"Move to group {where}"
    if kind == OperationKind.REIMAGE:
        return f"Reimage with {params.get('distribution', '?')}"
    if kind == OperationKind.CREATE:
        return (
            f"Create {params.get('name', '?')}: {params.get('cores', '?')} cores, "
            f"{memory_text(params.get('memory'))}, image {params.get('distribution') or 'none'}"
        )
    return label


def vm_state_text(state: Mapping[str, Any]) -> str:
    """ "powered off, cores 4, memory 4 GiB, hardware profile virtio2018 (unlocked), group web"."""
    parts = [power_text(state.get("power_on"))]
    if "autoreboot_on" in state:
        parts.append(f"auto-reboot {'on' if state['autoreboot_on'] else 'off'}")
    if "cores" in state:
        parts.append(f"cores {state['cores']}")
    if "memory" in state:
        parts.append(f"memory {memory_text(state['memory'])}")
    if "hardware_profile" in state:
        locked = "locked" if state.get("hardware_profile_locked") else "unlocked"
        parts.append(f"hardware profile {state['hardware_profile']} ({locked})")
    if state.get("group"):
        parts.append(f"group {state['group']}")
    return ", ".join(parts)


def before_after(op: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The VM before the operation and as its last successful check read it — what the
    audit trail's "operation finished" entry shows (group by name, not id)."""
    original = op.original or {}
    before = (
        VmSnapshot.from_json(original).shown() if original.get("power_on") is not None else None
    )
    seen: dict[str, Any] | None = None
    for entry in op.step_log or []:
        if entry.get("step") in ("verify", "undo_verify") and entry.get("status") == "done":
            seen = dict((entry.get("state") or {}).get("seen") or {})
    if seen is None:
        return before, None
    groups = {original.get("group_id"): original.get("group")}
    if op.params.get("target_group_id") is not None:
        groups[op.params["target_group_id"]] = op.params.get("target_group")
    if "group_id" in seen:
        group_id = seen.pop("group_id")
        seen["group"] = groups.get(group_id) or f"id {group_id}"
    return before, {**(before or {}), **seen}
