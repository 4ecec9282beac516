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
    POWER_OFF = "power_off", "Power off"


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
}

# Kinds a bulk change may apply to several VMs at once.
BATCH_KINDS = frozenset(
    {
        OperationKind.SPEC_CHANGE,
        OperationKind.GRACEFUL_RESTART,
        OperationKind.GRACEFUL_SHUTDOWN,
        OperationKind.POWER_ON,
        OperationKind.POWER_OFF,
    }
)
