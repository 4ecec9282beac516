"""The panel's roles' permissions, and each person's BigV scope as last read."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PanelAccess(models.Model):
    """No table: the home of the panel's own permissions, given to the roles' groups."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("change_bigv", "Can change BigV through the panel (operator)"),
            ("see_everything", "Can see every operation, batch and audit entry (auditor)"),
        ]

    def __str__(self) -> str:
        return "panel access"


class BigVScope(models.Model):
    """What a person's own BigV credential could see, and their privileges, when last read
    (``panel.access.scope.Scope`` as JSON). ``credential`` says which connection it was read
    with: a reconnection (another BigV user, perhaps) makes it stale at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bigv_scope"
    )
    credential = models.CharField(max_length=100)
    data = models.JSONField(default=dict)
    read_at = models.DateTimeField()

    class Meta:
        verbose_name = "BigV scope"

    def __str__(self) -> str:
        return f"BigV scope of user {self.user_id} (read {self.read_at:%Y-%m-%d %H:%M})"
