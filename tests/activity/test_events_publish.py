"""events.publish: the JSON nudge on the three channels, after commit, and never raising."""

from __future__ import annotations

import json
import time
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from django.db import transaction
from django.utils import timezone

from panel.activity.live import events

# publish() waits for the commit (transaction.on_commit): the tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def _op(**overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "pk": uuid.uuid4(),
        "status": "running",
        "step_index": 2,
        "updated_at": timezone.now(),
        "batch_id": None,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def _listen(url: str, *channels: str) -> Any:
    pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(*channels)
    # The subscription is confirmed before anything is published (no lost message).
    deadline = time.monotonic() + 5
    while len(pubsub.channels) < len(channels) or pubsub.get_message(timeout=0.1) is not None:
        assert time.monotonic() < deadline
    return pubsub


def _received(pubsub: Any, count: int, op_id: Any) -> list[tuple[str, dict[str, Any]]]:
    """The messages about ``op_id`` (other test processes share the team channel)."""
    got: list[tuple[str, dict[str, Any]]] = []
    deadline = time.monotonic() + 5
    while len(got) < count and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.5)
        if message and message["type"] == "message":
            body = json.loads(message["data"])
            if body["id"] == str(op_id):
                got.append((message["channel"].decode(), body))
    return got


def test_publish_sends_the_json_to_the_operation_and_team_channels(redis_url, settings):
    settings.REDIS_URL = redis_url
    op = _op()
    pubsub = _listen(redis_url, events.operation_channel(op.pk), events.TEAM_CHANNEL)

    events.publish(op)

    got = _received(pubsub, 2, op.pk)
    assert sorted(channel for channel, _ in got) == sorted([f"panel:op:{op.pk}", "panel:ops"])
    body = got[0][1]
    assert body == {
        "id": str(op.pk),
        "status": "running",
        "step_index": 2,
        "updated_at": op.updated_at.isoformat(),
        "batch_id": None,
    }


def test_publish_also_goes_to_the_batch_channel(redis_url, settings):
    settings.REDIS_URL = redis_url
    batch_id = uuid.uuid4()
    op = _op(batch_id=batch_id, status="succeeded")
    pubsub = _listen(redis_url, events.batch_channel(batch_id))

    events.publish(op)

    [(channel, body)] = _received(pubsub, 1, op.pk)
    assert channel == f"panel:batch:{batch_id}"
    assert body["batch_id"] == str(batch_id)
    assert body["status"] == "succeeded"


def test_publish_waits_for_the_commit(redis_url, settings):
    settings.REDIS_URL = redis_url
    op = _op()
    pubsub = _listen(redis_url, events.operation_channel(op.pk))
    with transaction.atomic():
        events.publish(op)
        # Nothing yet: a listener re-reading the row now would see the old state.
        assert pubsub.get_message(timeout=0.3) is None
    assert [body["id"] for _, body in _received(pubsub, 1, op.pk)] == [str(op.pk)]


def test_publish_never_raises_when_redis_is_down(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    events.publish(_op())  # must not raise: the database holds the truth
    assert "not published" in caplog.text
