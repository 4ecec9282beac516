"""Changing one's notification settings, and turning an event into deliveries.

``notify(event)`` is what the engine's signals end in (``hooks.py``): it finds who wants to
hear about the event — its owner, and superusers who asked for everyone's — writes one
``Delivery`` per person and channel, and hands each to a worker. It is quick (a few queries),
never raises into the engine, and never blocks on the broker: a delivery the broker did not
take is sent by the periodic resend instead (``sending.resend_due``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from panel import audit, webhooks
from panel.audit import Action, Outcome, Target
from panel.core import sealing
from panel.core.actor import Actor
from panel.notifications import tasks
from panel.notifications.events import Event, trial_event
from panel.notifications.models import Channel, Delivery, NotificationSettings
from panel.notifications.sending import webhook_destinations


@dataclass(frozen=True)
class SettingsChange:
    email_enabled: bool
    email: str
    webhook_enabled: bool
    webhook_url: str  # "" keeps the one stored
    everyone: bool


@dataclass(frozen=True)
class Saved:
    settings: NotificationSettings
    new_secret: str  # a signing secret made just now, to be shown once; "" if none


def settings_for(user: Any) -> NotificationSettings:
    found, _ = NotificationSettings.objects.get_or_create(
        user=user, defaults={"email": getattr(user, "email", "") or ""}
    )
    return found


def notification_settings_update(*, actor: Actor, user: Any, change: SettingsChange) -> Saved:
    """Save someone's choices (validated by the form); audited without the URL's secret part."""
    current = settings_for(user)
    current.email_enabled = change.email_enabled
    current.email = change.email
    current.webhook_enabled = change.webhook_enabled
    current.everyone = change.everyone and user.is_superuser
    if change.webhook_url:
        webhooks.check_url(change.webhook_url, destinations=webhook_destinations())
        current.webhook_sealed = sealing.seal({"url": change.webhook_url})
        current.webhook_shown = webhooks.shown_url(change.webhook_url)
    if current.webhook_enabled and not current.webhook_sealed:
        raise ValueError("A webhook needs a URL.")
    secret = ""
    if current.webhook_enabled and not current.webhook_secret_sealed:
        secret = _new_secret(current)
    current.updated_at = timezone.now()
    with transaction.atomic():
        current.save()
        _record_settings(actor, user, current, new_secret=bool(secret))
    return Saved(current, secret)


def webhook_secret_renew(*, actor: Actor, user: Any) -> str:
    """A new signing secret, returned once to be shown once; the old one stops working."""
    current = settings_for(user)
    secret = _new_secret(current)
    current.updated_at = timezone.now()
    with transaction.atomic():
        current.save()
        _record_settings(actor, user, current, new_secret=True)
    return secret


def _new_secret(current: NotificationSettings) -> str:
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    current.webhook_secret_sealed = sealing.seal({"secret": secret})
    return secret


def _record_settings(
    actor: Actor, user: Any, current: NotificationSettings, *, new_secret: bool
) -> None:
    audit.record(
        actor=actor,
        action=Action.NOTIFICATIONS_SETTINGS,
        outcome=Outcome.SUCCEEDED,
        target=Target.user(user.pk, user.get_username()),
        after={
            "email_enabled": current.email_enabled,
            "email": current.email,
            "webhook_enabled": current.webhook_enabled,
            "webhook": current.webhook_shown,
            "everyone": current.everyone,
            "signature_renewed": new_secret,
        },
    )


def notification_test(*, actor: Actor, user: Any) -> list[Delivery]:
    """Send oneself a test message on every channel one has turned on."""
    return notify(trial_event(user.pk, user.get_username()), only_owner=True)


# --- events into deliveries ------------------------------------------------------------------


def recipients(event: Event, *, only_owner: bool = False) -> list[NotificationSettings]:
    """Who hears of ``event``: its owner, and superusers who asked for everyone's."""
    wants = Q(email_enabled=True) | Q(webhook_enabled=True)
    who = Q(user_id=event.owner_id)
    if not only_owner:
        who |= Q(everyone=True, user__is_superuser=True)
    chosen = NotificationSettings.objects.filter(wants & who, user__is_active=True)
    return list(chosen.select_related("user"))


def notify(event: Event, *, only_owner: bool = False) -> list[Delivery]:
    """Write the deliveries ``event`` calls for and queue them; returns the new ones."""
    created: list[Delivery] = []
    for person in recipients(event, only_owner=only_owner):
        for channel in _channels(person):
            delivery = _delivery(person, channel, event)
            if delivery is not None:
                created.append(delivery)
    for delivery in created:
        transaction.on_commit(partial(tasks.enqueue, delivery.pk))
    return created


def _channels(person: NotificationSettings) -> list[str]:
    channels: list[str] = []
    if person.email_enabled and person.email:
        channels.append(Channel.EMAIL)
    if person.webhook_enabled and person.webhook_sealed:
        channels.append(Channel.WEBHOOK)
    return channels


def _delivery(person: NotificationSettings, channel: str, event: Event) -> Delivery | None:
    """One delivery, or None when this event was already handed to this person's channel."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                user=person.user,
                channel=channel,
                event_key=event.key,
                subject=event.subject,
                text=event.text,
                facts=event.facts,
            )
    except IntegrityError:  # the same event announced twice (a redelivered engine task)
        return None
