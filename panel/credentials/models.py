"""Each panel user's own BigV credential, sealed at rest (``panel.core.sealing``).

Only the token is kept: an API key, or the session token a username/password login yields —
never the password. The plaintext exists only in memory while a client is built.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BigVCredential(models.Model):
    class Kind(models.TextChoices):
        API_KEY = "api_key", "API key"
        SESSION = "session", "Session"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        # Disconnected while changes the person started still had a VM to put back: kept,
        # for those operations only, until they end (then deleted).
        RETIRING = "retiring", "Kept until your running changes are put back"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bigv_credential"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # A Fernet token of {"u": user id, "t": token} (see crypto.py); never the plaintext.
    ciphertext = models.TextField()
    bigv_username = models.CharField(max_length=150)
    factors = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # BigV's own words when it last refused the credential (an API string; escaped on output).
    last_error = models.CharField(max_length=500, blank=True, default="")
    connected_at = models.DateTimeField()
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "BigV credential"

    def __str__(self) -> str:
        # Deliberately no ciphertext: str() ends up in logs and admin pages.
        return f"{self.bigv_username} ({self.get_kind_display()}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
