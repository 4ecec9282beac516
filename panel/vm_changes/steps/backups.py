"""Backup steps: take backups of discs, restore a backup onto its disc, wait for either.

Taking a backup and restoring one are not idempotent by themselves (a POST; a PUT that
backs the disc up each time it is applied), so each step counts the disc's backups before
its write and remembers it in the step log. A step resumed with its write in doubt
(``pending``: the process died during the call) looks at the disc again:

- a backup: the disc has more backups than before → it was taken; else it is sent again;
- a restore: the disc is being restored, or has a backup more than before (BigV backs the
  disc up first, then restores) → it was applied; else it is sent again.

A refusal of a resend is checked the same way before it counts as a failure (the first
call may have landed between the read and the resend).
"""

from __future__ import annotations

from typing import Any

from panel.audit import Action
from panel.bigv import BadRequest, Disc, VirtualMachine
from panel.vm_changes import conf

from .base import Done, StepFailed, StepResult, VmStepContext, Wait


def _disc(ctx: VmStepContext, vm: VirtualMachine, disc_id: int) -> Disc:
    found = next((d for d in vm.discs if d.id == disc_id), None)
    if found is None:
        raise StepFailed(f"{vm.name} has no disc {disc_id} any more.")
    return found


def _count(disc: Disc) -> int:
    return int(disc.backup_count or 0)


def _poll(ctx: VmStepContext, key: str, what: str) -> Wait:
    timeout = float(ctx.args.get("timeout", conf.provision_wait()))
    deadline = ctx.deadline(key, timeout)
    remaining = deadline - ctx.now()
    if remaining < 0:
        raise StepFailed(f"{what} did not finish within {timeout:g} s.")
    return ctx.poll(key, what, countdown=True)


# --- backing up ----------------------------------------------------------------------------


def backup_discs(ctx: VmStepContext) -> StepResult:
    """One backup of each disc in ``args["discs"]`` ([{"id", "label"}]), each at most once."""
    done: dict[str, Any] = ctx.state.setdefault("taken", {})
    for wanted in ctx.args["discs"]:
        key = str(wanted["id"])
        if key in done:
            continue
        vm = ctx.read()
        disc = _disc(ctx, vm, int(wanted["id"]))
        before = ctx.state.setdefault("before", {})
        if key in before and ctx.state.get("pending") and _count(disc) > before[key]:
            done[key] = "taken (confirmed after a restart)"
        else:
            before[key] = _count(disc)
            ctx.save()
            done[key] = _take(ctx, vm, disc)
        ctx.save()
    labels = ", ".join(str(v) for v in done.values())
    return Done(f"backups started: {labels}" if labels else "no discs")


def _take(ctx: VmStepContext, vm: VirtualMachine, disc: Disc) -> str:
    account, group, seg = ctx.path(vm)
    backup = ctx.write(
        Action.BACKUP_CREATE,
        f"back up disc {disc.label}",
        lambda: ctx.client.backup_create(account, group, seg, disc.id),
        params={"disc_id": disc.id, "disc": disc.label},
    )
    return backup.label


def wait_backups(ctx: VmStepContext) -> StepResult:
    """Until every backup of those discs is on cold storage: the data is safe only then."""
    vm = ctx.read()
    account, group, seg = ctx.path(vm)
    busy = [
        b.label
        for wanted in ctx.args["discs"]
        for b in ctx.client.backups(account, group, seg, int(wanted["id"]))
        if b.in_progress
    ]
    if not busy:
        return Done("every backup is on cold storage")
    return _poll(ctx, "backup_deadline", f"backup {', '.join(busy)}")


# --- restoring ------------------------------------------------------------------------------


def _applied(disc: Disc, before: int | None) -> bool:
    return disc.restoring or (before is not None and _count(disc) > before)


def restore_backup(ctx: VmStepContext) -> StepResult:
    disc_id, backup_id = int(ctx.args["disc_id"]), int(ctx.args["backup_id"])
    label = str(ctx.args.get("backup_label", backup_id))
    if ctx.state.get("sent"):
        return Done(f"restoring {label}")
    vm = ctx.read()
    disc = _disc(ctx, vm, disc_id)
    in_doubt = bool(ctx.state.get("pending"))
    before = ctx.state.get("backups_before")
    if in_doubt and _applied(disc, before):
        return _sent(ctx, label)
    if vm.power_on:
        raise StepFailed(f"{vm.name} is running: a backup is restored only onto a stopped VM.")
    ctx.state["backups_before"] = _count(disc)
    ctx.save()
    account, group, seg = ctx.path(vm)
    try:
        ctx.write(
            Action.BACKUP_RESTORE,
            f"restore {label} onto disc {disc.label}",
            lambda: ctx.client.backup_restore(account, group, seg, disc_id, backup_id),
            params={"disc_id": disc_id, "disc": disc.label, "backup_id": backup_id},
        )
    except BadRequest:
        if not (in_doubt and _applied(_disc(ctx, ctx.read(), disc_id), before)):
            raise
    return _sent(ctx, label)


def _sent(ctx: VmStepContext, label: str) -> Done:
    ctx.state["sent"] = True
    ctx.save()
    return Done(f"restoring {label} (the disc was backed up first)")


def wait_restored(ctx: VmStepContext) -> StepResult:
    """Until the disc is no longer being restored: BigV refuses to power the VM on before."""
    vm = ctx.read()
    disc = _disc(ctx, vm, int(ctx.args["disc_id"]))
    if not disc.restoring:
        return Done(f"disc {disc.label} restored")
    ctx.cannot_recall(
        "The restore is under way and cannot be recalled: the disc gets the backup's data "
        "whatever happens; then the VM's power state is put back."
    )
    return _poll(ctx, "restore_deadline", f"restoring disc {disc.label}")
