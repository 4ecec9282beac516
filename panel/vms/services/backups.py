"""Disc backups and backup schedules as direct actions (docs/bigv-api.md §7.11, §9.1): back
up now, delete a backup, add or remove a schedule. Restoring one is an operation (it powers
the VM off and on again): ``panel.vm_changes``.

Each reads the VM first (``_guard``: the person's level — vm_admin, as for discs — and "one
change per VM"), checks the disc against it, then makes its one write, audited against the
VM with the disc named in ``params``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from panel.audit import Action
from panel.bigv import Backup, BackupSchedule, BackupScheduleSpec, BigVClient, Disc, VirtualMachine
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._guard import guarded


@dataclass(frozen=True, slots=True)
class BackupGone:
    ref: VmRef
    disc_id: int
    backup_id: int


@dataclass(frozen=True, slots=True)
class ScheduleGone:
    ref: VmRef
    disc_id: int
    schedule_id: int


def disc_of(vm: VirtualMachine, disc_id: int) -> Disc:
    found = next((disc for disc in vm.discs if disc.id == disc_id), None)
    if found is None:
        raise ValidationError(f"{vm.name} has no disc {disc_id} (any more).")
    return found


def _not_restoring(vm: VirtualMachine, disc_id: int) -> None:
    if disc_of(vm, disc_id).restoring:
        raise ValidationError("A backup is being restored onto this disc; wait until it is done.")


def _has_disc(disc_id: int) -> Callable[[VirtualMachine], None]:
    def check(vm: VirtualMachine) -> None:
        disc_of(vm, disc_id)

    return check


def _backup_fields(backup: Backup) -> dict[str, object]:
    return {"id": backup.id, "label": backup.label, "size": backup.size}


def backup_create(*, actor: Actor, client: BigVClient, ref: VmRef, disc_id: int) -> Backup:
    """Back the disc up now; BigV answers with the backup, still being taken."""
    return guarded(
        actor=actor,
        action=Action.BACKUP_CREATE,
        client=client,
        ref=ref,
        check=lambda vm: _not_restoring(vm, disc_id),
        call=lambda vm: client.backup_create(ref.account, ref.group, ref.vm, disc_id),
        params=lambda vm: {"disc_id": disc_id, "disc": disc_of(vm, disc_id).label},
        before=lambda vm: {"backup_count": disc_of(vm, disc_id).backup_count},
        after=_backup_fields,
    )


def backup_delete(
    *, actor: Actor, client: BigVClient, ref: VmRef, disc_id: int, backup_id: int
) -> BackupGone:
    """Delete (purge) one backup of the disc; it cannot be brought back."""

    def delete(vm: VirtualMachine) -> BackupGone:
        client.backup_delete(ref.account, ref.group, ref.vm, disc_id, backup_id)
        return BackupGone(ref=ref, disc_id=disc_id, backup_id=backup_id)

    return guarded(
        actor=actor,
        action=Action.BACKUP_DELETE,
        client=client,
        ref=ref,
        check=_has_disc(disc_id),
        call=delete,
        params=lambda vm: {
            "disc_id": disc_id,
            "disc": disc_of(vm, disc_id).label,
            "backup_id": backup_id,
            "purge": True,
        },
    )


def backup_schedule_create(
    *, actor: Actor, client: BigVClient, ref: VmRef, disc_id: int, schedule: BackupScheduleSpec
) -> BackupSchedule:
    return guarded(
        actor=actor,
        action=Action.BACKUP_SCHEDULE_CREATE,
        client=client,
        ref=ref,
        check=_has_disc(disc_id),
        call=lambda vm: client.backup_schedule_create(
            ref.account, ref.group, ref.vm, disc_id, schedule
        ),
        params=lambda vm: {
            "disc_id": disc_id,
            "disc": disc_of(vm, disc_id).label,
            **schedule.to_json(),
        },
        before=lambda vm: {"schedules": len(disc_of(vm, disc_id).backup_schedules)},
        after=lambda made: {"id": made.id, "interval_seconds": made.interval_seconds},
    )


def backup_schedule_delete(
    *, actor: Actor, client: BigVClient, ref: VmRef, disc_id: int, schedule_id: int
) -> ScheduleGone:
    def delete(vm: VirtualMachine) -> ScheduleGone:
        client.backup_schedule_delete(ref.account, ref.group, ref.vm, disc_id, schedule_id)
        return ScheduleGone(ref=ref, disc_id=disc_id, schedule_id=schedule_id)

    def was(vm: VirtualMachine) -> dict[str, object] | None:
        found = [s for s in disc_of(vm, disc_id).backup_schedules if s.id == schedule_id]
        if not found:
            return None
        return {"interval_seconds": found[0].interval_seconds, "start_at": found[0].start_at}

    return guarded(
        actor=actor,
        action=Action.BACKUP_SCHEDULE_DELETE,
        client=client,
        ref=ref,
        check=_has_disc(disc_id),
        call=delete,
        params={"disc_id": disc_id, "schedule_id": schedule_id},
        before=was,
    )
