"""Plans with backups: restoring one (power off → restore → wait → power on → verify), and
backing up a VM's discs now (the bulk "back up these VMs' discs").

A restore replaces everything on the disc with the backup's copy. BigV first backs up what
the disc holds now, so the data being replaced is kept as a backup of its own; the plan
says both. BigV restores only onto a stopped VM, and refuses to start it until the restore
is done: the plan waits for it before putting the power back.
"""

from __future__ import annotations

from typing import Any

from panel.bigv import BigVClient, Disc, VirtualMachine
from panel.vm_changes import conf
from panel.vm_changes.describe import memory_text
from panel.vm_changes.kinds import OperationKind
from panel.vm_changes.snapshot import VmSnapshot
from panel.vms.refs import VmRef

from .base import (
    InvalidPlan,
    NothingToDo,
    Plan,
    PlanStep,
    check_grace,
    power_off_step,
    power_on_step,
    subject,
    verify_step,
)

RESTORE_PROMISE = (
    "If a step fails, or you cancel it, the VM is put back in its power state — not the "
    "disc's data: once the restore has started, the old data is only in BigV's automatic "
    "backup, which you can restore in turn."
)


def read_with_discs(client: BigVClient, ref: VmRef) -> tuple[VmRef, VirtualMachine, dict[str, Any]]:
    vm = client.vm(ref.account, ref.group, ref.vm)
    resolved = VmRef(account=ref.account, group=ref.group, vm=vm.name, vm_id=vm.id)
    original = VmSnapshot.of(vm, account=ref.account, group=ref.group).to_json()
    return resolved, vm, original


def _disc(vm: VirtualMachine, disc_id: int) -> Disc:
    found = next((d for d in vm.discs if d.id == disc_id), None)
    if found is None:
        raise InvalidPlan(f"{vm.name} has no disc {disc_id}.")
    return found


def copy_wait(size_mib: int) -> float:
    """How long to wait for a copy of ``size_mib``: it takes time in proportion to the disc,
    so the provisioning wait per 25 GiB (at least once)."""
    return conf.provision_wait() * max(1.0, size_mib / 1024 / 25)


def backup_steps(discs: list[Disc], *, stored: bool = True) -> list[PlanStep]:
    """Back up these discs; with ``stored``, wait until every backup is on cold storage
    (``copy_wait``)."""
    wanted = [{"id": d.id, "label": d.label} for d in discs]
    labels = ", ".join(d.label for d in discs)
    steps = [PlanStep("backup_discs", f"take a backup of disc {labels}", {"discs": wanted})]
    if stored:
        wait = copy_wait(sum(d.size for d in discs))
        steps.append(
            PlanStep(
                "wait_backups",
                f"wait until the backup is stored (up to {wait:g} s)",
                {"discs": wanted, "timeout": wait},
            )
        )
    return steps


def plan_restore(
    *,
    client: BigVClient,
    ref: VmRef,
    disc_id: int,
    backup_id: int,
    grace_seconds: float = 60,
    hard_off: bool = True,
) -> Plan:
    grace_seconds = check_grace(grace_seconds)
    ref, vm, original = read_with_discs(client, ref)
    disc = _disc(vm, disc_id)
    if disc.restoring:
        raise InvalidPlan(f"A backup is already being restored onto disc {disc.label}.")
    backups = client.backups(ref.account, ref.group, ref.vm, disc_id)
    backup = next((b for b in backups if b.id == backup_id), None)
    if backup is None:
        raise InvalidPlan(f"Disc {disc.label} has no backup {backup_id}.")
    if backup.in_progress:
        raise InvalidPlan(
            f"Backup {backup.label} is still being taken; restore it once it is stored."
        )
    on = bool(original["power_on"])
    wait = copy_wait(backup.size)
    steps = [power_off_step(grace_seconds, hard_off)] if on else []
    steps += [
        PlanStep(
            "restore_backup",
            f"restore {backup.label} onto disc {disc.label}: BigV backs the disc up first, then "
            f"replaces its data with the backup's ({memory_text(backup.size)})",
            {"disc_id": disc.id, "backup_id": backup.id, "backup_label": backup.label},
        ),
        PlanStep(
            "wait_restored",
            f"wait until the restore is done (up to {wait:g} s)",
            {"disc_id": disc.id, "timeout": wait},
        ),
    ]
    if on:
        steps.append(power_on_step(bool(original["autoreboot_on"]), "power on again (it was on)"))
    steps.append(verify_step({"power_on": on}))
    params = {
        "disc_id": disc.id,
        "disc_label": disc.label,
        "backup_id": backup.id,
        "backup_label": backup.label,
        "grace_seconds": grace_seconds,
        "hard_off": hard_off,
    }
    replaced = (
        f"Everything on disc {disc.label} now is replaced by {backup.label}'s copy; BigV keeps "
        "a backup of what the disc holds now, taken right before."
    )
    return Plan(
        OperationKind.RESTORE_BACKUP,
        ref,
        tuple(steps),
        original,
        params,
        subject(ref, original),
        warnings=(replaced,),
        destructive=True,
        promise=RESTORE_PROMISE,
    )


def plan_backup_discs(*, client: BigVClient, ref: VmRef) -> Plan:
    """A backup of every disc of the VM now; its power is not touched."""
    ref, vm, original = read_with_discs(client, ref)
    if not vm.discs:
        raise NothingToDo(f"{vm.name} has no discs.")
    restoring = [d.label for d in vm.discs if d.restoring]
    if restoring:
        raise InvalidPlan(f"A backup is being restored onto {', '.join(restoring)}.")
    # Started, not waited for: a big disc takes long, and the VM would stay busy meanwhile;
    # the VM's page shows each backup in progress until it is stored.
    steps = (
        *backup_steps(list(vm.discs), stored=False),
        verify_step({"power_on": original["power_on"]}),
    )
    params = {"discs": [d.label for d in vm.discs]}
    return Plan(OperationKind.BACKUP_DISCS, ref, steps, original, params, subject(ref, original))
