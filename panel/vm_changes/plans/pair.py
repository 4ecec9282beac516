"""Plans that change two VMs at once: swap their addresses, move a disc from one to the other.

BigV does both only between VMs that are powered off (docs/bigv-api.md §9), so every plan
has one shape: power off whichever of the two runs → the change → power back on whichever
ran (with its auto-reboot as it was) → verify both. The operation targets the first VM; the
second is *held* (``Plan.holds``): no other change may start on it until this one ends.
"""

from __future__ import annotations

from typing import Any

from panel.bigv import BigVClient, VirtualMachine
from panel.vm_changes.describe import grace_text, memory_text, power_text
from panel.vm_changes.kinds import OperationKind
from panel.vm_changes.snapshot import VmSnapshot
from panel.vm_changes.steps.pair import PARTNER, SUBJECT, extra, primary
from panel.vms.refs import VmRef

from .base import InvalidPlan, Plan, PlanStep, check_grace, power_on_step

MAX_DISCS = 8  # per VM (docs/bigv-api.md §12)

# The CLI's own advice (BC update server help): reconfigure first, or use the console after.
SWAP_WARNING = (
    "Each VM comes back with the other's addresses: configure their operating systems for "
    "the new addresses first, or use the console afterwards."
)
DISC_WARNING = (
    "The disc appears on the other VM as a new device: its operating system may need its "
    "configuration (mount points, /etc/fstab) changed."
)


def _read(client: BigVClient, ref: VmRef) -> tuple[VmRef, VirtualMachine, dict[str, Any]]:
    vm = client.vm(ref.account, ref.group, ref.vm)
    resolved = VmRef(account=ref.account, group=ref.group, vm=vm.name, vm_id=vm.id)
    return resolved, vm, VmSnapshot.of(vm, account=ref.account, group=ref.group).to_json()


def _party(ref: VmRef) -> dict[str, Any]:
    return {"id": ref.vm_id, "name": ref.vm, "account": ref.account, "group": ref.group}


def _cycle(
    subject: tuple[VmRef, dict[str, Any]],
    partner: tuple[VmRef, dict[str, Any]],
    change: PlanStep,
    verify: dict[str, dict[str, Any]],
    grace: float,
    hard_off: bool,
) -> list[PlanStep]:
    """Off whichever runs → change → on again whichever ran → verify both."""
    parties = ((SUBJECT, *subject), (PARTNER, *partner))
    steps = [
        PlanStep(
            "power_off",
            f"{ref.vm}: {grace_text(grace, hard_off)}",
            {"vm": which, "grace": float(grace), "hard_off": bool(hard_off)},
        )
        for which, ref, original in parties
        if original["power_on"]
    ]
    steps.append(change)
    for which, ref, original in parties:
        if original["power_on"]:
            step = power_on_step(bool(original["autoreboot_on"]), f"{ref.vm}: power on again")
            steps.append(PlanStep(step.name, step.label, {**step.args, "vm": which}))
    for which, _ref, original in parties:
        verify[which]["power_on"] = bool(original["power_on"])
    steps.append(PlanStep("verify_pair", "verify both", {"expect": verify}))
    return steps


def _subject_line(one: tuple[VmRef, dict[str, Any]], two: tuple[VmRef, dict[str, Any]]) -> str:
    return (
        f"{one[0].vm} is {power_text(one[1]['power_on'])} and "
        f"{two[0].vm} is {power_text(two[1]['power_on'])}"
    )


def _both(client: BigVClient, ref: VmRef, partner: VmRef) -> tuple[Any, Any]:
    a_ref, a_vm, a_orig = _read(client, ref)
    b_ref, b_vm, b_orig = _read(client, partner)
    if a_vm.id == b_vm.id:
        raise InvalidPlan("Choose another VM: the two must be different.")
    return (a_ref, a_vm, a_orig), (b_ref, b_vm, b_orig)


def plan_ip_swap(
    *,
    client: BigVClient,
    ref: VmRef,
    partner: VmRef,
    move_additional: bool = False,
    grace_seconds: float = 60,
    hard_off: bool = True,
) -> Plan:
    """Swap the primary addresses (IPv4 and IPv6) of ``ref`` and ``partner`` — and their
    additional ones with ``move_additional`` (BC's ``update server --swap-ips-with
    [--swap-extra-ips]``)."""
    grace_seconds = check_grace(grace_seconds)
    (a_ref, a_vm, a_orig), (b_ref, b_vm, b_orig) = _both(client, ref, partner)
    if not primary(a_vm) or not primary(b_vm):
        raise InvalidPlan("Both VMs need a network interface with addresses.")
    ips = {SUBJECT: primary(a_vm), PARTNER: primary(b_vm)}
    extras = {SUBJECT: extra(a_vm), PARTNER: extra(b_vm)}
    what = "primary and additional addresses" if move_additional else "primary addresses"
    change = PlanStep(
        "swap_ips", f"swap the {what} of {a_ref.vm} and {b_ref.vm}", {"move": move_additional}
    )
    expect: dict[str, dict[str, Any]] = {
        SUBJECT: {"ips": ips[PARTNER]},
        PARTNER: {"ips": ips[SUBJECT]},
    }
    if move_additional:
        expect[SUBJECT]["extra"], expect[PARTNER]["extra"] = extras[PARTNER], extras[SUBJECT]
    steps = _cycle((a_ref, a_orig), (b_ref, b_orig), change, expect, grace_seconds, hard_off)
    params = {
        "partner": _party(b_ref),
        "move_additional": move_additional,
        "ips": ips,
        "extra": extras,
        "grace_seconds": grace_seconds,
        "hard_off": hard_off,
    }
    return Plan(
        OperationKind.IP_SWAP,
        a_ref,
        tuple(steps),
        {**a_orig, "holds": [b_orig]},
        params,
        _subject_line((a_ref, a_orig), (b_ref, b_orig)),
        warnings=(SWAP_WARNING,),
        promise="If a step fails or you cancel, the addresses are swapped back and both VMs "
        "end in the power state they had.",
        holds=(b_ref,),
    )


def plan_disc_move(
    *,
    client: BigVClient,
    ref: VmRef,
    disc_id: int,
    partner: VmRef,
    grace_seconds: float = 60,
    hard_off: bool = True,
) -> Plan:
    """Move disc ``disc_id`` of ``ref`` to ``partner`` (BC's ``update disc --new-server``).
    BigV never moves a VM's first (boot) disc; a label the other VM already uses, or a ninth
    disc there, it refuses too — said here first."""
    grace_seconds = check_grace(grace_seconds)
    (a_ref, a_vm, a_orig), (b_ref, b_vm, b_orig) = _both(client, ref, partner)
    disc = next((d for d in a_vm.discs if d.id == disc_id), None)
    if disc is None:
        raise InvalidPlan(f"{a_ref.vm} has no such disc (any more).")
    if a_vm.discs[0].id == disc.id:
        raise InvalidPlan(f"Disc {disc.label} is {a_ref.vm}'s boot disc: BigV cannot move it.")
    if any(d.label == disc.label for d in b_vm.discs):
        raise InvalidPlan(f"{b_ref.vm} already has a disc labelled {disc.label}.")
    if len(b_vm.discs) >= MAX_DISCS:
        raise InvalidPlan(f"{b_ref.vm} already has {MAX_DISCS} discs, the most a VM may have.")
    size = memory_text(disc.size)
    change = PlanStep(
        "move_disc",
        f"move disc {disc.label} ({size}) from {a_ref.vm} to {b_ref.vm}",
        {"disc_id": disc.id},
    )
    expect: dict[str, dict[str, Any]] = {
        SUBJECT: {"has_disc": False},
        PARTNER: {"has_disc": True},
    }
    steps = _cycle((a_ref, a_orig), (b_ref, b_orig), change, expect, grace_seconds, hard_off)
    params = {
        "partner": _party(b_ref),
        "disc_id": disc.id,
        "disc_label": disc.label,
        "disc_size": disc.size,
        "grace_seconds": grace_seconds,
        "hard_off": hard_off,
    }
    return Plan(
        OperationKind.DISC_MOVE,
        a_ref,
        tuple(steps),
        {**a_orig, "holds": [b_orig]},
        params,
        _subject_line((a_ref, a_orig), (b_ref, b_orig)),
        warnings=(DISC_WARNING,),
        promise="If a step fails or you cancel, the disc goes back and both VMs end in the "
        "power state they had.",
        holds=(b_ref,),
    )
