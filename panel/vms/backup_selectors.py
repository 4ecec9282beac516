"""Reads for a disc's backups panel (selectors return panel.bigv types)."""

from __future__ import annotations

from dataclasses import dataclass

from panel.bigv import Backup, BigVClient, Disc, VirtualMachine
from panel.vms.refs import VmRef


@dataclass(frozen=True, slots=True)
class DiscBackups:
    vm: VirtualMachine
    disc: Disc  # with its schedules
    backups: tuple[Backup, ...]  # newest first

    @property
    def in_progress(self) -> bool:
        return any(b.in_progress for b in self.backups) or self.disc.restoring


def disc_backups(*, client: BigVClient, ref: VmRef, disc_id: int) -> DiscBackups | None:
    """The VM (for its discs' schedules and power state) and the disc's backups: two calls.
    None when the VM no longer has that disc."""
    vm = client.vm(ref.account, ref.group, ref.vm, overview=True, include_deleted=True)
    disc = next((d for d in vm.discs if d.id == disc_id), None)
    if disc is None:
        return None
    found = client.backups(ref.account, ref.group, ref.vm, disc_id)
    return DiscBackups(vm=vm, disc=disc, backups=tuple(reversed(found)))
