"""The two-VM changes as the engine runs them: swapping addresses and moving a disc.

Both VMs are claimed when the operation starts — the first as its target, the second by a
hold (``panel.operations.holds``) — so no other change, direct or planned, runs on either
until it ends. ``begin`` re-reads both right before the first write; the undo plan is worked
out from what both were (``original`` and ``original["holds"][0]``): power off whichever must
be off to undo the change → undo it (the swap is its own inverse; the disc goes back) → both
VMs' original power states → verify.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from panel.bigv import BigVClient, BigVError, VirtualMachine
from panel.operations.holds import HELD_BY
from panel.operations.models import Operation
from panel.operations.workflows import NotStartable, Workflow
from panel.vm_changes import conf
from panel.vm_changes.describe import vm_state_text
from panel.vm_changes.kinds import DOING, OperationKind
from panel.vm_changes.snapshot import SHOWN, STEPS_DEPEND_ON, VmSnapshot
from panel.vm_changes.steps.pair import (
    PARTNER,
    SUBJECT,
    PairStepContext,
    extra,
    move_disc,
    off_if_changed,
    primary,
    swap_ips,
    undo_move_disc,
    undo_swap_ips,
    verify_pair,
)
from panel.vm_changes.steps.power import power_off, power_on, restore_power

STEPS = {
    "power_off": power_off,
    "power_on": power_on,
    "swap_ips": swap_ips,
    "move_disc": move_disc,
    "verify_pair": verify_pair,
    "undo_pair_off": off_if_changed,
    "undo_swap_ips": undo_swap_ips,
    "undo_move_disc": undo_move_disc,
    "undo_power": restore_power,
    "undo_verify": verify_pair,
}


def _partner_original(op: Operation) -> dict[str, Any]:
    return dict((op.original.get("holds") or [{}])[0])


def _read_both(op: Operation, client: BigVClient) -> tuple[VirtualMachine, VirtualMachine]:
    partner = op.params["partner"]
    return (
        client.vm_by_id(int(op.vm_id or 0), include_deleted=True),
        client.vm_by_id(int(partner["id"]), include_deleted=True),
    )


def _what_changed(op: Operation, one: VirtualMachine, two: VirtualMachine) -> str:
    """Why the plan no longer fits the two VMs ("" when it still does)."""
    params = op.params
    for vm, was in ((one, op.original), (two, _partner_original(op))):
        snapshot = VmSnapshot.of(vm, account="", group="")
        if vm.deleted:
            return f"{vm.name} has been deleted"
        if snapshot.differs(was, STEPS_DEPEND_ON):
            return f"{vm.name} changed since the plan was made"
    if op.kind == OperationKind.IP_SWAP:
        if primary(one) != params["ips"][SUBJECT] or primary(two) != params["ips"][PARTNER]:
            return "their addresses changed since the plan was made"
    elif not any(d.id == int(params["disc_id"]) for d in one.discs):
        return f"disc {params['disc_label']} is no longer on {one.name}"
    return ""


def begin(op: Operation, client: BigVClient) -> Mapping[str, Any]:
    """Both VMs right before the first write: what putting back restores."""
    try:
        one, two = _read_both(op, client)
    except BigVError as error:
        raise NotStartable(f"Could not read both VMs: {error}") from error
    why = _what_changed(op, one, two)
    if why:
        raise NotStartable(f"{why}; nothing was done.")
    partner = op.params["partner"]
    first = VmSnapshot.of(one, account=op.account, group=op.group).to_json()
    second = VmSnapshot.of(two, account=partner["account"], group=partner["group"]).to_json()
    return {**first, "holds": [second]}


def _step(name: str, label: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "args": args, "undo": True}


def undo_steps(op: Operation) -> list[dict[str, Any]]:
    grace = conf.compensation_grace()
    names = {SUBJECT: op.vm_name, PARTNER: op.params["partner"]["name"]}
    was = {SUBJECT: dict(op.original), PARTNER: _partner_original(op)}
    swap = op.kind == OperationKind.IP_SWAP
    off = "power off to put it back (if needed)"
    steps = [
        _step("undo_pair_off", f"{names[w]}: {off}", vm=w, grace=grace) for w in (SUBJECT, PARTNER)
    ]
    if swap:
        steps.append(_step("undo_swap_ips", "swap the addresses back (if they were swapped)"))
    else:
        label = op.params.get("disc_label")
        steps.append(_step("undo_move_disc", f"move disc {label} back to {names[SUBJECT]}"))
    expect: dict[str, dict[str, Any]] = {}
    for w in (SUBJECT, PARTNER):
        on, autoreboot = bool(was[w].get("power_on")), bool(was[w].get("autoreboot_on"))
        label = "power on again (it was on)" if on else "make sure it is off (it was off)"
        power = {"power_on": on, "autoreboot_on": autoreboot, "grace": grace}
        steps.append(_step("undo_power", f"{names[w]}: {label}", vm=w, **power))
        expect[w] = {"power_on": on, "autoreboot_on": autoreboot}
        if swap:
            expect[w]["ips"] = op.params["ips"][w]
        else:
            expect[w]["has_disc"] = w == SUBJECT
    steps.append(_step("undo_verify", "verify both are as they were", expect=expect))
    return steps


def _state(op: Operation, vm: VirtualMachine, which: str) -> str:
    group = op.group if which == SUBJECT else op.params["partner"]["group"]
    text = vm_state_text(VmSnapshot.of(vm, account="", group=str(group)).shown())
    if op.kind == OperationKind.IP_SWAP:
        return f"{text}, addresses {', '.join(primary(vm))} (additional: {extra(vm) or 'none'})"
    has = any(d.id == int(op.params["disc_id"]) for d in vm.discs)
    return f"{text}, {'with' if has else 'without'} disc {op.params['disc_label']}"


def attention_now(op: Operation, client: BigVClient | None, error: str) -> str:
    """Both VMs now versus before, and what failed."""
    partner = op.params["partner"]["name"]
    lines = [f"Could not finish putting {op.vm_name} and {partner} back: {error}"]
    try:
        if client is None:
            raise ValueError(error)
        one, two = _read_both(op, client)
        lines.append(
            f"Now: {one.name} is {_state(op, one, SUBJECT)}; {two.name} is "
            f"{_state(op, two, PARTNER)}."
        )
    except (BigVError, ValueError) as failure:
        lines.append(f"Now: unknown — BigV could not be read ({failure}).")
    before = []
    for name, was in ((op.vm_name, op.original), (partner, _partner_original(op))):
        shown = VmSnapshot.from_json(was).shown()
        before.append(f"{name} was {vm_state_text({k: shown[k] for k in SHOWN})}")
    if op.kind == OperationKind.IP_SWAP:
        ips = {w: ", ".join(op.params["ips"][w]) for w in (SUBJECT, PARTNER)}
        before.append(f"addresses {op.vm_name}: {ips[SUBJECT]}; {partner}: {ips[PARTNER]}")
    else:
        before.append(f"disc {op.params['disc_label']} was on {op.vm_name}")
    lines.append("Before: " + "; ".join(before) + ".")
    return "\n".join(lines)


def summary(kind: str, params: Mapping[str, Any], original: Mapping[str, Any]) -> str:
    if HELD_BY in params:
        what = "Swapping addresses" if kind == OperationKind.IP_SWAP else "Moving a disc"
        return f"{what} with {params.get('with', 'another VM')} (held for it)"
    partner = params.get("partner", {}).get("name", "?")
    if kind == OperationKind.IP_SWAP:
        extra_too = " (additional ones too)" if params.get("move_additional") else ""
        return f"Swap addresses with {partner}{extra_too}"
    return f"Move disc {params.get('disc_label', '?')} to {partner}"


def workflows() -> list[Workflow]:
    return [
        Workflow(
            kind=kind.value,
            label=str(kind.label),
            doing=DOING[kind],
            steps=STEPS,
            begin=begin,
            undo=undo_steps,
            attention=attention_now,
            summary=summary,
            context=PairStepContext,
        )
        for kind in (OperationKind.IP_SWAP, OperationKind.DISC_MOVE)
    ]
