"""The kinds of VM change the panel runs as operations, and what each is "doing"."""

from __future__ import annotations

from django.db import models


class OperationKind(models.TextChoices):
    SPEC_CHANGE = "spec_change", "Change spec"
    MOVE = "move", "Move to another group"
    REIMAGE = "reimage", "Reimage"
    CREATE = "create", "Create VM"
    GRACEFUL_RESTART = "graceful_restart", "Graceful restart"
    GRACEFUL_SHUTDOWN = "graceful_shutdown", "Graceful shutdown"
    POWER_ON = "power_on", "Power on"
    POWER_OFF = "power_off", "Power off (hard, no shutdown)"
    # Two VMs at once (panel.vm_changes.pair): the other VM is held (panel.operations.holds).
    IP_SWAP = "ip_swap", "Swap addresses"
    DISC_MOVE = "disc_move", "Move a disc"
    # Deleting a group with everything in it (panel.vm_changes.teardown).
    PURGE = "purge", "Purge VM"
    GROUP_DELETE = "group_delete", "Delete group and its VMs"
    # Backups (panel.vm_changes.backups): restoring one cycles the power; a bulk backup.
    RESTORE_BACKUP = "restore_backup", "Restore a backup"
    BACKUP_DISCS = "backup_discs", "Back up the discs"


# What a kind is doing, for "busy: alice is <doing> web1".
DOING: dict[str, str] = {
    OperationKind.SPEC_CHANGE: "changing the spec of",
    OperationKind.MOVE: "moving",
    OperationKind.REIMAGE: "reimaging",
    OperationKind.CREATE: "creating",
    OperationKind.GRACEFUL_RESTART: "restarting",
    OperationKind.GRACEFUL_SHUTDOWN: "shutting down",
    OperationKind.POWER_ON: "powering on",
    OperationKind.POWER_OFF: "powering off",
    OperationKind.IP_SWAP: "swapping the addresses of",
    OperationKind.DISC_MOVE: "moving a disc to or from",
    OperationKind.PURGE: "purging",
    OperationKind.GROUP_DELETE: "deleting the group",
    OperationKind.RESTORE_BACKUP: "restoring a backup onto",
    OperationKind.BACKUP_DISCS: "backing up the discs of",
}

# Kinds a bulk change may apply to several VMs at once.
BATCH_KINDS = frozenset(
    {
        OperationKind.SPEC_CHANGE,
        OperationKind.GRACEFUL_RESTART,
        OperationKind.GRACEFUL_SHUTDOWN,
        OperationKind.POWER_ON,
        OperationKind.POWER_OFF,
        OperationKind.BACKUP_DISCS,
    }
)
