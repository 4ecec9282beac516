"""Sending one delivery: claim it, send it by e-mail or webhook, record what happened.

Each try is one Celery task (``tasks.deliver``). A try that may succeed later (no answer,
a 5xx, a mail server that is down) is tried again with exponential back-off —
``PANEL_NOTIFY_RETRY_SECONDS`` doubled each time, jittered, capped at an hour — up to
``PANEL_NOTIFY_ATTEMPTS`` tries; one that cannot (the channel was turned off, a 4xx, a
redirect) stops at once. The outcome of every delivery is audited once, when it is final.

The claim is a conditional UPDATE, so two copies of a task never both send. A worker that
dies mid-send leaves the row "sending"; ``resend_due`` returns it to the queue once its
claim is older than anything a send may take, so it is sent (perhaps twice — webhook
receivers can tell by ``X-Panel-Delivery``), never lost.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from panel import audit, webhooks
from panel.audit import Action, Outcome, Target
from panel.core import sealing
from panel.core.actor import Actor
from panel.notifications.models import Channel, Delivery, DeliveryStatus, NotificationSettings

# How long a claimed delivery may take before it counts as abandoned (a send is bounded by
# the webhook timeouts or EMAIL_TIMEOUT, far below this).
CLAIM_SECONDS = 300
# A waiting delivery this late has lost its task (the broker was down or lost it).
OVERDUE_SECONDS = 60
MAX_BACKOFF_SECONDS = 3600


class Undeliverable(Exception):
    def __init__(self, message: str, *, retry: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.status = status


def attempt(delivery_id: Any) -> float | None:
    """Try to send ``delivery_id`` once; returns the seconds to wait before the next try,
    or None when there is nothing more to do (sent, given up, or not ours to send)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status__in=DeliveryStatus.waiting(),
        next_attempt_at__lte=now + dt.timedelta(seconds=1),
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("user").get(pk=delivery_id)
    try:
        destination, status = _send(delivery)
    except Undeliverable as failure:
        return _not_sent(delivery, failure)
    _finish(delivery, DeliveryStatus.DELIVERED, destination=destination, receiver_status=status)
    return None


def _send(delivery: Delivery) -> tuple[str, int | None]:
    person = NotificationSettings.objects.filter(user_id=delivery.user_id).first()
    if person is None or not delivery.user.is_active:
        raise Undeliverable("The person no longer receives notifications.", retry=False)
    if delivery.channel == Channel.EMAIL:
        return _email(delivery, person), None
    return _webhook(delivery, person)


def _email(delivery: Delivery, person: NotificationSettings) -> str:
    if not (person.email_enabled and person.email):
        raise Undeliverable("E-mail notifications were turned off.", retry=False)
    message = EmailMessage(
        subject=delivery.subject,
        body=delivery.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={"X-Panel-Delivery": str(delivery.pk)},
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise Undeliverable("The mail server refused the address.", retry=False) from error
    except (smtplib.SMTPException, OSError) as error:
        raise Undeliverable(
            f"Could not send the e-mail ({type(error).__name__}).", retry=True
        ) from error
    return person.email


def webhook_destinations() -> webhooks.Destinations:
    """Public addresses and the listed private networks in production; anywhere (receivers on
    this machine, over http too) in development and tests."""
    return webhooks.Destinations.of(
        settings.PANEL_WEBHOOK_PRIVATE_NETWORKS, anywhere=not settings.PRODUCTION
    )


def _webhook(delivery: Delivery, person: NotificationSettings) -> tuple[str, int]:
    if not (person.webhook_enabled and person.webhook_sealed):
        raise Undeliverable("Webhook notifications were turned off.", retry=False)
    try:
        url = sealing.unseal(person.webhook_sealed)["url"]
        secret = sealing.unseal(person.webhook_secret_sealed)["secret"]
    except (sealing.Unsealable, KeyError) as error:
        raise Undeliverable(
            "The webhook's URL or signing secret can no longer be read (sealed under a retired "
            "key): enter the URL again and make a new signing secret.",
            retry=False,
        ) from error
    body = json.dumps(
        {"text": delivery.text, "panel": {**delivery.facts, "delivery": str(delivery.pk)}},
        ensure_ascii=True,
    ).encode()
    try:
        status = webhooks.post(
            url,
            body,
            secret=secret,
            delivery_id=str(delivery.pk),
            destinations=webhook_destinations(),
            read_timeout=settings.PANEL_WEBHOOK_TIMEOUT,
        )
    except webhooks.InvalidWebhookUrl as error:
        raise Undeliverable(str(error), retry=False) from error
    except webhooks.WebhookFailed as error:
        raise Undeliverable(str(error), retry=error.retry, status=error.status) from error
    return person.webhook_shown, status


def backoff(attempts: int) -> float:
    """Seconds before try ``attempts + 1``: doubling from the base, jittered by ±20 %, capped."""
    base = float(settings.PANEL_NOTIFY_RETRY_SECONDS)
    delay = min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)


def _not_sent(delivery: Delivery, failure: Undeliverable) -> float | None:
    if not failure.retry or delivery.attempts >= settings.PANEL_NOTIFY_ATTEMPTS:
        _finish(delivery, DeliveryStatus.FAILED, error=str(failure), receiver_status=failure.status)
        return None
    delay = backoff(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.RETRYING,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        last_error=str(failure),
        last_status=failure.status,
    )
    return delay


def _finish(
    delivery: Delivery,
    outcome: str,
    *,
    destination: str = "",
    error: str = "",
    receiver_status: int | None = None,
) -> None:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=outcome,
            finished_at=timezone.now(),
            destination=destination or delivery.destination,
            last_error=error,
            last_status=receiver_status,
        )
        audit.record(
            actor=Actor.system(),
            action=Action.NOTIFICATION_SEND,
            outcome=Outcome.SUCCEEDED if outcome == DeliveryStatus.DELIVERED else Outcome.FAILED,
            target=Target.user(delivery.user_id, delivery.user.get_username()),
            params={
                "channel": delivery.channel,
                "event": delivery.event_key,
                "delivery": str(delivery.pk),
                "attempts": delivery.attempts,
                "to": destination,
                "receiver_status": receiver_status,
            },
            api_error=error,
        )


def resend_due() -> list[str]:
    """Deliveries to hand to a worker again: claims abandoned by a dead worker, and waiting
    ones whose task never came."""
    now = timezone.now()
    Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - dt.timedelta(seconds=CLAIM_SECONDS)
    ).update(status=DeliveryStatus.RETRYING, next_attempt_at=now)
    overdue = Delivery.objects.filter(
        status__in=DeliveryStatus.waiting(),
        next_attempt_at__lt=now - dt.timedelta(seconds=OVERDUE_SECONDS),
    )
    return [str(pk) for pk in overdue.values_list("pk", flat=True)[:500]]
