"""Backups in time (docs/bigv-api.md §9.1, §11): taking one, restoring one, and schedules that
fire on the world's clock.

Like power transitions, nothing runs in the background: ``tick`` (called with every
request, via ``power.tick``) completes what is due. A backup is "in progress" until its
``due`` time, when it reaches the cold grade ``iceberg``; a restore holds the disc until
its own due time. Schedules fire at ``start + k * interval``: a big clock advance takes
only the occurrences that would survive pruning (the newest ``capacity``), each stamped
with its own time, then prunes the schedule's backups to its capacity.

``world.backup_due`` is the earliest moment anything here is due, so the common tick (none
due) costs one comparison even in worlds of thousands of discs.
"""

from __future__ import annotations

import math

from panel.simulator import ippool
from panel.simulator.model import Backup, Disc, VirtualMachine
from panel.simulator.world import World

COLD_GRADE = "iceberg"  # where backups are kept ([BC] brain.ColdStorageGrade)
MIB_PER_GIB = 1024


def duration(world: World, disc_size_mib: int, timing: str) -> float:
    """Seconds for a disc of this size: proportional to it, divided by the world's speed."""
    gib = max(1.0, disc_size_mib / MIB_PER_GIB)
    return world.timings[timing] * gib / world.speed


def take(
    world: World,
    disc: Disc,
    *,
    at: float | None = None,
    manual: bool = True,
    schedule_id: int | None = None,
) -> Backup:
    """A snapshot of the disc's size and grade now, in progress until it reaches iceberg."""
    when = world.now() if at is None else at
    backup_id = world.next_id("disc")  # a backup is a disc ([BC] brain.Backup embeds Disc)
    backup = Backup(
        id=backup_id,
        disc_id=disc.id,
        label=f"backup-{backup_id}",
        size=disc.size,
        storage_grade=disc.storage_grade,
        created_at=when,
        due=when + duration(world, disc.size, "backup_seconds_per_gib"),
        manual=manual,
        schedule_id=schedule_id,
        storage_pool=disc.storage_pool,
    )
    world.add_backup(backup)
    world.dirty = True
    return backup


def in_progress(backup: Backup, now: float) -> bool:
    return now < backup.due


def restoring(disc: Disc) -> bool:
    return disc.restore_due is not None


def vm_restoring(world: World, vm: VirtualMachine) -> bool:
    """A disc of this VM is being restored: it may not be powered on until that is done."""
    return any(restoring(d) for d in world.vm_discs_of(vm))


def restore(world: World, disc: Disc, backup: Backup) -> Backup:
    """Restore ``backup`` onto its disc: first a backup of what the disc holds now (the CLI:
    "a new backup is made of the disc's current state"), then the copy back, which takes
    time. Returns that automatic backup."""
    saved = take(world, disc, manual=False)
    now = world.now()
    disc.restore_due = now + duration(world, backup.size, "restore_seconds_per_gib")
    disc.restoring_from = backup.id
    world.backup_due = min(world.backup_due, disc.restore_due)
    return saved


def tick(world: World) -> int:
    """Complete backups and restores that are due and fire due schedules; how many."""
    now = world.now()
    if now < world.backup_due:
        return 0
    done = 0
    upcoming = math.inf
    # Schedules first: a back-dated occurrence may already be complete by now.
    for disc in list(world.discs.values()):
        if disc.restore_due is not None:
            if disc.restore_due <= now:
                disc.restore_due, disc.restoring_from = None, None
                done += 1
            else:
                upcoming = min(upcoming, disc.restore_due)
        for schedule in disc.backup_schedules:
            done += _fire(world, disc, schedule, now)
            upcoming = min(upcoming, float(schedule["next_at"]))
    for backup in world.backups.values():
        if backup.due > now:
            upcoming = min(upcoming, backup.due)
        elif backup.storage_grade != COLD_GRADE:
            backup.storage_grade = COLD_GRADE
            backup.storage_pool = ippool.storage_pool_for(backup.id, COLD_GRADE)
            done += 1
    world.backup_due = upcoming  # everything was looked at, new backups included
    if done:
        world.dirty = True
    return done


def _fire(world: World, disc: Disc, schedule: dict[str, object], now: float) -> int:
    next_at = float(schedule["next_at"])  # type: ignore[arg-type]
    if next_at > now:
        return 0
    interval = int(schedule["interval_seconds"])  # type: ignore[call-overload]
    capacity = int(schedule["capacity"])  # type: ignore[call-overload]
    due = int((now - next_at) // interval) + 1  # occurrences up to now
    skipped = max(0, due - capacity)  # older ones would be pruned at once
    schedule_id = int(schedule["id"])  # type: ignore[call-overload]
    for k in range(skipped, due):
        take(world, disc, at=next_at + k * interval, manual=False, schedule_id=schedule_id)
    schedule["next_at"] = next_at + due * interval
    prune(world, disc, schedule_id, capacity)
    return due - skipped


def prune(world: World, disc: Disc, schedule_id: int, capacity: int) -> None:
    """Keep the newest ``capacity`` backups a schedule took; manual ones are never pruned."""
    taken = [b for b in world.disc_backups_of(disc) if b.schedule_id == schedule_id]
    for backup in sorted(taken, key=lambda b: (b.created_at, b.id))[:-capacity]:
        world.remove_backup(backup)
