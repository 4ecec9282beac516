"""Panel users with notification settings, failed operations and batches to tell them of."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from panel.core.actor import Actor
from panel.notifications import services
from panel.operations.models import Batch, Operation
from tests.notifications.receiver import Receiver


def person(username: str, **extra: Any) -> Any:
    # No password: nobody logs in here, and hashing one costs half a second.
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", **extra
    )


def choose(user: Any, **change: Any) -> services.Saved:
    """Save ``user``'s notification settings as their settings page would."""
    fields = {"email_enabled": False, "email": user.email, "webhook_enabled": False}
    fields |= {"webhook_url": "", "everyone": False} | change
    actor = Actor(user_id=user.pk, username=user.username, ip="192.0.2.9", request_id="r" * 16)
    return services.notification_settings_update(
        actor=actor, user=user, change=services.SettingsChange(**fields)
    )


def ended_operation(user: Any, status: str = "rolled_back", **extra: Any) -> Operation:
    fields = {
        "kind": "spec_change",
        "status": status,
        "actor": user,
        "actor_username": user.username,
        "account": "demo",
        "group": "web",
        "vm_name": "web1",
        "target_key": f"demo/web/web1/{Operation.objects.count()}",
        "params": {"cores": 4, "memory": 4096},
        "error": "BigV refused: cores — refused by the test",
        "finished_at": timezone.now(),
    }
    return Operation.objects.create(**(fields | extra))


def ended_batch(user: Any, statuses: list[str], **extra: Any) -> Batch:
    now = timezone.now()
    batch = Batch.objects.create(
        actor=user,
        actor_username=user.username,
        kind="spec_change",
        planned_at=now,
        finished_at=now,
        **extra,
    )
    for status in statuses:
        ended_operation(user, status, batch=batch)
    return batch


@pytest.fixture
def receiver() -> Any:
    found = Receiver()
    yield found
    found.stop()
