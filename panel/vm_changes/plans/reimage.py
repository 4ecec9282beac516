"""The reimage plan: erase the main disc and install a fresh image, the power put back.

A reimage needs the VM off; the brain boots it when done, with auto-reboot off ([D14]), so
the plan powers it off first when it runs and ends in its original power state (a VM that
was off is shut down again once it has booted: its first boot runs the first-boot script).

What it can promise is the **power state** only: the data on the main disc is gone the
moment BigV starts imaging, and no failure or cancel brings it back. Hence a backup of that
disc first, on unless the person turns it off, and waited for: the disc is erased only once
its copy is on cold storage.
"""

from __future__ import annotations

from panel.bigv import BigVClient
from panel.credentials.clients import definitions
from panel.vm_changes import conf
from panel.vm_changes.describe import grace_text
from panel.vm_changes.kinds import OperationKind
from panel.vms.refs import VmRef

from .backups import backup_steps, read_with_discs
from .base import (
    InvalidPlan,
    Plan,
    PlanStep,
    check_grace,
    power_off_step,
    power_on_step,
    subject,
    verify_step,
)

PROMISE = (
    "If a step fails, or you cancel it, the VM is put back in its power state — but not its "
    "data: once imaging has started, what was on the main disc is gone{backup}."
)


def plan_reimage(
    *,
    client: BigVClient,
    ref: VmRef,
    distribution: str,
    grace_seconds: float = 60,
    hard_off: bool = True,
    backup_first: bool = False,
) -> Plan:
    """``backup_first``: a backup of the main disc, stored before anything is erased (the
    form offers it ticked; callers that plan for themselves say so explicitly)."""
    grace_seconds = check_grace(grace_seconds)
    known = definitions().distributions
    if known and distribution not in known:
        raise InvalidPlan(f"Unknown image {distribution!r}.")
    ref, vm, original = read_with_discs(client, ref)
    if not vm.discs:
        raise InvalidPlan(f"{vm.name} has no disc to install an image on.")
    main = vm.discs[0]
    on = bool(original["power_on"])
    steps = backup_steps([main]) if backup_first else []
    if on:
        steps.append(power_off_step(grace_seconds, hard_off))
    steps.append(
        PlanStep(
            "reimage",
            f"reimage with {distribution}: disc {main.label} is erased",
            {"distribution": distribution},
        )
    )
    wait = conf.boot_wait()
    steps.append(
        PlanStep("wait_boot", f"wait until it boots (up to {wait:g} s)", {"timeout": wait})
    )
    if on:
        steps.append(power_on_step(bool(original["autoreboot_on"]), "restore auto-reboot"))
    else:
        again = f"power off again (it was off): {grace_text(grace_seconds, True)}"
        steps.append(power_off_step(grace_seconds, True, again))
    steps.append(verify_step({"power_on": on, "last_imaged_with": distribution}))
    params = {
        "distribution": distribution,
        "grace_seconds": grace_seconds,
        "hard_off": hard_off,
        "backup_first": backup_first,
    }
    erased = f"Everything on {vm.name}'s main disc, {main.label}, is erased."
    kept = (
        f"A backup of {main.label} is taken first and stored before anything is erased."
        if backup_first
        else f"No backup of {main.label} is taken first: its data cannot be brought back."
    )
    backup = ", except in the backup taken first" if backup_first else ""
    return Plan(
        OperationKind.REIMAGE,
        ref,
        tuple(steps),
        original,
        params,
        subject(ref, original),
        warnings=(erased, kept),
        destructive=True,
        promise=PROMISE.format(backup=backup),
    )
