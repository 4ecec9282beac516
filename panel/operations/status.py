"""The fixed vocabularies of the engine: operation, step and batch statuses.

The kinds of operation are not here: each app registers its own (panel.operations.workflows).
"""

from __future__ import annotations

from enum import nonmember

from django.db import models


class OperationStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Running"
    COMPENSATING = "compensating", "Rolling back"  # the undo steps are running
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
