"""The fixed vocabularies of operations: kinds, statuses, step statuses, batch statuses."""

from __future__ import annotations

from enum import nonmember

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

# Kinds a batch may apply (the bulk list).
BATCH_KINDS = frozenset(
    {
        OperationKind.SPEC_CHANGE,
        OperationKind.GRACEFUL_RESTART,
        OperationKind.GRACEFUL_SHUTDOWN,
        OperationKind.POWER_ON,
        OperationKind.POWER_OFF,
    }
)


class OperationStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Running"
    COMPENSATING = "compensating", "Rolling back"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (nothing was changed)"
    ROLLED_BACK = "rolled_back", "Rolled back"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    CANCELLED = "cancelled", "Cancelled"

    # nonmember: plain class attributes, not choices (the constraint and the UI use them).
    ACTIVE = nonmember(frozenset({"pending", "running", "compensating"}))
    TERMINAL = nonmember(
        frozenset({"succeeded", "failed", "rolled_back", "needs_attention", "cancelled"})
    )
    # Outcomes a batch counts towards "stop after N failures".
    FAILURES = nonmember(frozenset({"failed", "rolled_back", "needs_attention"}))


# How each ending is written to the audit trail (panel.audit.Outcome values).
FINISH_OUTCOMES: dict[str, str] = {
    "succeeded": "succeeded",
    "failed": "failed",
    "rolled_back": "compensated",
    "needs_attention": "failed",
    "cancelled": "cancelled",
}


class StepStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped (already so)"
    FAILED = "failed", "Failed"
    COMPENSATED = "compensated", "Undone"


class BatchStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    STOPPED = "stopped", "Stopped after failures"
