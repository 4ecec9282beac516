"""The operation row is the truth: status, step, log, original state, lease.

A worker never keeps state anywhere else: everything it needs to resume after a crash is
here, and every change of it is a conditional UPDATE on ``epoch`` (see ``claims.py``).
Field names are the contract with the UI (docs/operations-contract.md).

The target columns (account, group, vm_name, vm_id) say which BigV object an operation acts
on — always a VM today. What an operation *does* to it comes from its kind's workflow
(``panel.operations.workflows``), which is also where the words for a kind come from.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from panel.operations import workflows
from panel.operations.status import BatchStatus, OperationStatus


class Batch(models.Model):
    """One change applied to several VMs, ``concurrency`` at a time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(max_length=150)
    kind = models.CharField(max_length=32)  # a registered workflow's kind
    params = models.JSONField(default=dict, blank=True)
    concurrency = models.PositiveIntegerField(default=1)
    # 0 = never stop early.
    stop_after_failures = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=BatchStatus.choices, default=BatchStatus.RUNNING
    )
    # VMs left out at the start: [{"vm": "web1 in demo/web", "reason": "busy: …"}].
    skipped = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set once every VM has been planned: the first operations start while the rest are
    # still being planned, and the batch may not finish before it knows all of them.
    planned_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind_label} x {self._operations().count()} ({self.status})"

    def _operations(self) -> models.QuerySet[Operation]:
        return Operation.objects.filter(batch_id=self.pk)

    @property
    def counts(self) -> dict[str, int]:
        """Operations by status, every status present (zeros included)."""
        out = dict.fromkeys(OperationStatus.values, 0)
        rows = self._operations().values("status").annotate(n=models.Count("id"))
        for row in rows:
            out[row["status"]] = row["n"]
        return out

    @property
    def failure_count(self) -> int:
        return self._operations().filter(status__in=OperationStatus.FAILURES).count()

    @property
    def kind_label(self) -> str:
        return workflows.kind_label(self.kind)


class Operation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32)  # a registered workflow's kind
    status = models.CharField(
        max_length=16, choices=OperationStatus.choices, default=OperationStatus.PENDING
    )
    # Who clicked: the worker rebuilds the Actor from these (audit names the person).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(max_length=150)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")

    account = models.CharField(max_length=255)
    group = models.CharField(max_length=255)
    vm_name = models.CharField(max_length=255)
    vm_id = models.BigIntegerField(null=True, blank=True)
    target_key = models.CharField(max_length=600)

    params = models.JSONField(default=dict, blank=True)
    secret_params = models.TextField(blank=True, default="")  # Fernet; "" once used
    plan = models.JSONField(default=list, blank=True)
    step_index = models.IntegerField(default=0)
    step_log = models.JSONField(default=list, blank=True)
    # What happened to the run itself, beside its steps: a worker lost and the operation
    # resumed by another ({"at", "kind", "text"}; panel.operations.journal).
    events = models.JSONField(default=list, blank=True)
    original = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    attention = models.TextField(blank=True, default="")

    # Compensation: the undo steps are appended to ``plan`` from this index on.
    compensation_start = models.IntegerField(null=True, blank=True)
    undo_reason = models.CharField(max_length=16, blank=True, default="")  # failed|cancelled
    # True once an API write may have reached BigV: a failure before that changed nothing
    # (status "failed"), after it the VM is put back (compensation).
    touched = models.BooleanField(default=False)

    epoch = models.BigIntegerField(default=0)
    lease_owner = models.CharField(max_length=200, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # When a task was first sent; a batch's queued operations wait (NULL) for a free slot.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="operations"
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_key"],
                condition=Q(status__in=sorted(OperationStatus.ACTIVE)),
                name="one_active_operation_per_vm",
            )
        ]
        indexes = [
            models.Index(fields=["status", "lease_expires_at"], name="op_status_lease"),
            # The VM page's "its operation" (the newest on its target).
            models.Index(fields=["target_key", "-created_at"], name="op_target_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.summary} — {self.target_label} ({self.status})"

    # --- for the UI ----------------------------------------------------------------------

    @property
    def is_terminal(self) -> bool:
        return self.status in OperationStatus.TERMINAL

    @property
    def undo_plan(self) -> list[dict[str, Any]]:
        if self.compensation_start is None:
            return []
        return list(self.plan[self.compensation_start :])

    @property
    def progress_percent(self) -> int:
        if self.is_terminal:
            return 100
        if self.compensation_start is not None:
            done, total = self.step_index - self.compensation_start, len(self.undo_plan)
        else:
            done, total = self.step_index, len(self.plan)
        if total <= 0:
            return 0
        return max(0, min(99, round(100 * done / total)))

    @property
    def current_step_label(self) -> str:
        if self.is_terminal:
            return self.status_label
        if self.status == OperationStatus.PENDING:
            return "Waiting for a worker"
        if 0 <= self.step_index < len(self.plan):
            label = str(self.plan[self.step_index].get("label", ""))
            undoing = self.compensation_start is not None
            return f"putting back: {label}" if undoing else label
        return self.status_label

    @property
    def current_entry(self) -> dict[str, Any] | None:
        """The step log entry of the step in progress (None between steps)."""
        for entry in self.step_log or []:
            if isinstance(entry, dict) and entry.get("index") == self.step_index:
                return entry
        return None

    @property
    def cannot_recall(self) -> str:
        """What the step in progress already set going that no cancel can stop ("" if
        nothing): a cancel then waits for it to end before putting the target back."""
        entry = self.current_entry
        if self.is_terminal or entry is None or entry.get("status") != "running":
            return ""
        return str((entry.get("state") or {}).get("cannot_recall") or "")

    @property
    def elapsed(self) -> dt.timedelta:
        start = self.started_at or self.created_at
        return (self.finished_at or timezone.now()) - start

    @property
    def status_label(self) -> str:
        return str(self.get_status_display())

    @property
    def target_label(self) -> str:
        return f"{self.vm_name} in {self.account}/{self.group}"

    @property
    def kind_label(self) -> str:
        return workflows.kind_label(self.kind)

    @property
    def summary(self) -> str:
        try:
            workflow = workflows.workflow_for(self.kind)
        except KeyError:
            return self.kind
        return workflow.summary(self.kind, self.params, self.original)

    @property
    def doing(self) -> str:
        """ "changing the spec of web1" (for "busy: alice is …")."""
        try:
            verb = workflows.workflow_for(self.kind).doing
        except KeyError:
            verb = "working on"
        return f"{verb} {self.vm_name}"
