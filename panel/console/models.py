"""The panel's console key of each person, and the consoles open now and before.

A console key is an SSH key pair the panel made for one person: its public half sits in the
``authorized_keys`` of their BigV user (put there with their own credential), its private
half is sealed like their BigV token (``panel.core.sealing``) and opened only in memory, to
open that person's consoles. A ``ConsoleSession`` is one console opened in a browser: who,
which VM, from where, from when to when and why it ended — never what was typed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ConsoleKey(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="console_key"
    )
    # The BigV user whose authorized_keys holds the public half (the person may reconnect
    # as someone else later: then the key is not theirs there).
    bigv_username = models.CharField(max_length=150)
    public_key = models.TextField()  # one OpenSSH line: "ssh-ed25519 AAAA… comment"
    fingerprint = models.CharField(max_length=100)  # SHA256:…, as ssh-keygen -l shows it
    # A sealed {"u": user id, "console_key": OpenSSH private key}; never the plaintext.
    sealed_private_key = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        # Deliberately nothing sealed: str() ends up in logs and admin pages.
        return f"console key {self.fingerprint} of {self.bigv_username}"


class ConsoleSession(models.Model):
    class End(models.TextChoices):
        CLOSED = "closed", "Closed by the person"
        IDLE = "idle", "Nobody typed for too long"
        LOGGED_OUT = "logged_out", "The panel login ended"
        ACCESS = "access", "The person may no longer use it"
        LOST = "lost", "The connection to the console was lost"
        REFUSED = "refused", "The console refused the connection"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="console_sessions"
    )
    vm_id = models.BigIntegerField()
    vm_label = models.CharField(max_length=400)  # "web1 in demo/web", when it was opened
    bigv_username = models.CharField(max_length=150)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    # Renewed by every check of the open console: a row whose process died stops counting
    # toward the person's limit once it is older than a few checks.
    seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end = models.CharField(max_length=16, choices=End.choices, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"], name="console_open_per_user")]

    def __str__(self) -> str:
        return f"console of {self.vm_label} ({self.started_at:%Y-%m-%d %H:%M})"
