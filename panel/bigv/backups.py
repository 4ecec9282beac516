"""Disc backups and backup schedules (docs/bigv-api.md §7.11 routes, §9.1 rules): the
requests of the official CLI's ``backup disc``, ``show backups``, ``delete backup``,
``restore backup``, ``schedule backups`` and ``unschedule backups``.

Retries follow the transport's rule (only where safe): reads and deletes are retried, the
POSTs never, and neither is the restore PUT — each restore that reaches BigV first takes a
new backup of the disc, so repeating one is not harmless.
"""

from __future__ import annotations

from ._base import ResourceBase, seg, vm_path
from ._json import list_of
from .backup_types import Backup, BackupSchedule
from .specs import BackupScheduleSpec

type Name = str | int


def _disc_path(account: Name, group: Name, vm: Name, disc: Name) -> str:
    return f"{vm_path(account, group, vm)}/discs/{seg(disc)}"


class BackupsMixin(ResourceBase):
    def backups(self, account: Name, group: Name, vm: Name, disc: Name) -> list[Backup]:
        """A disc's backups, oldest first (those still being taken included)."""
        path = _disc_path(account, group, vm, disc) + "/backups"
        return self._transport.call("GET", path, list_of(Backup.from_json, "backups"))

    def backup_create(self, account: Name, group: Name, vm: Name, disc: Name) -> Backup:
        """Back the disc up now: the answer is the new backup, in progress until it reaches
        the cold grade. Never retried (POST)."""
        path = _disc_path(account, group, vm, disc) + "/backups"
        return self._transport.call("POST", path, Backup.from_json)

    def backup_delete(self, account: Name, group: Name, vm: Name, disc: Name, backup: Name) -> None:
        # purge=true, as the CLI sends it: a backup is a disc, deleted only with it (§9.1).
        path = f"{_disc_path(account, group, vm, disc)}/backups/{seg(backup)}"
        self._transport.request("DELETE", path, params=[("purge", "true")])

    def backup_restore(
        self, account: Name, group: Name, vm: Name, disc: Name, backup: Name
    ) -> None:
        """Replace the disc's data with the backup's, after BigV backs up what it holds now;
        the VM must be powered off, and the restore takes time (the disc reports
        ``new_storage_grade`` until it is done). Not retried: see the module docstring."""
        path = f"{_disc_path(account, group, vm, disc)}/backups/{seg(backup)}"
        self._transport.request("PUT", path, body={"restore": True}, retry=False)

    def backup_schedule_create(
        self, account: Name, group: Name, vm: Name, disc: Name, schedule: BackupScheduleSpec
    ) -> BackupSchedule:
        path = _disc_path(account, group, vm, disc) + "/backup_schedules"
        return self._transport.call("POST", path, BackupSchedule.from_json, body=schedule.to_json())

    def backup_schedule_delete(
        self, account: Name, group: Name, vm: Name, disc: Name, schedule_id: int
    ) -> None:
        path = f"{_disc_path(account, group, vm, disc)}/backup_schedules/{seg(schedule_id)}"
        self._transport.request("DELETE", path)
