"""What the backup and restore tests share: the simulator's discs and backups, read from its
live world (under its lock), and a finished backup to restore."""

from __future__ import annotations

from typing import Any

from panel.simulator import backups as sim_backups
from tests.vms.helpers import vm_id_of


def disc_of(sim: Any, name: str, index: int = 0) -> Any:
    world = sim.world
    with world.lock:
        return world.vm_discs_of(world.vms[vm_id_of(sim, name)])[index]


def backup_count(sim: Any, disc_id: int) -> int:
    with sim.world.lock:
        return len(sim.world.discs[disc_id].backup_ids)


def restoring(sim: Any, disc_id: int) -> bool:
    with sim.world.lock:
        return sim.world.discs[disc_id].restore_due is not None


def finished_backup(sim: Any, name: str) -> tuple[int, int]:
    """A stored backup of the VM's first disc, taken an hour ago: (disc id, backup id)."""
    world = sim.world
    with world.lock:
        disc = world.vm_discs_of(world.vms[vm_id_of(sim, name)])[0]
        backup = sim_backups.take(world, disc, at=world.now() - 3600)
        sim_backups.tick(world)
        return disc.id, backup.id
