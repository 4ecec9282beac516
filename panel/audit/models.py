"""The audit table: append-only at the ORM level (and, on PostgreSQL, by triggers); and the
table of intents (``AuditIntent``), an ordinary one, for actions whose result is not recorded.

Rows are written by ``panel.audit.chain`` only, which bypasses the guarded manager on purpose
(see ``chain._insert``). Everything else — ``save()``, ``delete()``, queryset ``update()`` /
``delete()`` / ``bulk_update()`` / ``bulk_create()`` — raises, so that a stray ORM call in
some view or shell session cannot rewrite history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.db import models


class AuditAppendOnlyError(Exception):
    """An attempt to change or remove an audit entry, or to write one around ``record()``."""


_WRITE_THROUGH_RECORD = "AuditEntry rows are written only through panel.audit.record()"
_NO_CHANGES = "The audit trail is append-only: entries cannot be changed or deleted"


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditAppendOnlyError(_NO_CHANGES)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditAppendOnlyError(_NO_CHANGES)

    def _raw_delete(self, using: str | None) -> int:
        raise AuditAppendOnlyError(_NO_CHANGES)

    def bulk_update(
        self, objs: Iterable[AuditEntry], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        raise AuditAppendOnlyError(_NO_CHANGES)

    def bulk_create(
        self,
        objs: Iterable[Any],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> list[Any]:
        raise AuditAppendOnlyError(_WRITE_THROUGH_RECORD)


class AuditEntry(models.Model):
    # Chain order. Assigned under the append lock as previous seq + 1; unique, so that even a
    # broken lock could not fork the chain silently (the second writer gets IntegrityError).
    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    # No database constraint and DO_NOTHING: deleting a user must not touch (or be blocked by)
    # audit rows; the username copy keeps the entry readable after the user is gone.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, db_index=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.CharField(max_length=255, blank=True)
    target_label = models.TextField(blank=True)
    params = models.JSONField(default=dict)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    outcome = models.CharField(max_length=16, db_index=True)
    api_status = models.PositiveSmallIntegerField(null=True, blank=True)
    api_error = models.TextField(blank=True)
    operation_id = models.CharField(max_length=64, blank=True, db_index=True)
    step = models.CharField(max_length=128, blank=True)
    prev_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        # Related-object access and admin internals use the base manager: keep it guarded too.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["target_type", "target_id", "-seq"], name="audit_target_idx"),
        ]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            raise AuditAppendOnlyError(_WRITE_THROUGH_RECORD)
        raise AuditAppendOnlyError(_NO_CHANGES)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditAppendOnlyError(_NO_CHANGES)


class AuditIntent(models.Model):
    """An action about to reach BigV whose outcome is not recorded yet. Not part of the chain.

    ``panel.audit.intent()`` commits one *before* the BigV call and deletes it in the same
    transaction that appends the chained entry *after* the call, so the trail keeps one entry
    per action. One left behind means its process stopped in between (kill -9, a crashed
    worker): the call may or may not have reached BigV. The audit page shows such rows as
    "outcome unknown", and ``panel.audit.tasks.seal_intents`` appends them to the chain with
    outcome ``unknown`` once they are older than ``PANEL_AUDIT_INTENT_GRACE_SECONDS``.

    Deliberately an ordinary, mutable table (no append-only guard, no triggers): it is a
    to-do list, not evidence — the chain is the evidence. Its content is the would-be entry's,
    already redacted by the recorder, so no secret is stored here either.
    """

    created_at = models.DateTimeField(db_index=True)
    # Which process wrote it ("host:pid"), so an operator can tell which one stopped.
    process = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.CharField(max_length=255, blank=True)
    target_label = models.TextField(blank=True)
    params = models.JSONField(default=dict)
    before = models.JSONField(null=True, blank=True)
    operation_id = models.CharField(max_length=64, blank=True)
    step = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit intent"
        verbose_name_plural = "audit intents"

    def __str__(self) -> str:
        return f"intent {self.pk} {self.action} {self.target_label} (outcome unknown)"

    @property
    def outcome(self) -> str:
        """What the audit page shows for it until its entry is in the chain."""
        return "unknown"

    @property
    def sealing_due(self) -> bool:
        """Older than any call may take: its process stopped, and it awaits sealing."""
        grace = dt.timedelta(seconds=float(settings.PANEL_AUDIT_INTENT_GRACE_SECONDS))
        return self.created_at < dt.datetime.now(dt.UTC) - grace

    def content(self) -> dict[str, Any]:
        """The would-be entry's content (everything but how it ended)."""
        return {name: getattr(self, name) for name in INTENT_CONTENT_FIELDS}


# The content an intent holds: AuditEntry's fields up to, not including, the outcome.
INTENT_CONTENT_FIELDS: tuple[str, ...] = (
    "actor_id",
    "actor_username",
    "source_ip",
    "request_id",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "params",
    "before",
    "operation_id",
    "step",
)
