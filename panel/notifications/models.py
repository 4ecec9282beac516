"""Each person's notification choices, and every message the panel tried to send them.

A ``Delivery`` is written when something worth telling happens (an operation or a batch of
theirs ended badly) and is the truth about that message: a worker claims it, sends it, and
records the outcome or when to try again. The webhook URL and its signing secret are sealed
(``panel.core.sealing``): a webhook URL is often a secret in itself, and the signing secret
is what proves a message came from this panel.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Will try again"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Gave up"

    @classmethod
    def waiting(cls) -> tuple[str, ...]:
        return (cls.PENDING, cls.RETRYING)


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_enabled = models.BooleanField(default=False)
    email = models.EmailField(blank=True)
    webhook_enabled = models.BooleanField(default=False)
    # Sealed {"url": …} and {"secret": …}; "" when none was given yet.
    webhook_sealed = models.TextField(blank=True, default="")
    webhook_secret_sealed = models.TextField(blank=True, default="")
    # "https://hooks.example.com/…": what pages may show of the URL (webhooks.shown_url).
    webhook_shown = models.CharField(max_length=300, blank=True, default="")
    # Superusers only (checked when something happens): everyone's operations and batches.
    everyone = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"notification settings of user {self.user_id}"


class Delivery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_deliveries"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    # "operation:<id>", "batch:<id>", "test:<id>": one message per person, channel and event.
    event_key = models.CharField(max_length=80)
    subject = models.CharField(max_length=255)
    text = models.TextField()
    facts = models.JSONField(default=dict, blank=True)  # the webhook's machine-readable part
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    destination = models.CharField(max_length=300, blank=True, default="")  # as it may be shown
    last_status = models.IntegerField(null=True, blank=True)  # the receiver's HTTP status
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "event_key"], name="one_delivery_per_event_and_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} to user {self.user_id}: {self.subject} ({self.status})"
