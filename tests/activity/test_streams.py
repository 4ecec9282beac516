"""The live streams consumed as a browser would (AsyncClient, real Redis pub/sub, the row
re-read on every nudge): present state first, each change, heartbeats, the end."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth import get_user_model
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone

from panel.activity.live import events, sse
from panel.operations.models import Operation
from tests.activity.test_sse_framing import parse as _parse
from tests.operations.helpers import operation_row

PLAN = [
    {"name": "power_off", "label": "ACPI shutdown (up to 60 s, then hard off)", "args": {}},
    {"name": "apply_spec", "label": "cores 2→4, memory 2→4 GiB", "args": {}},
    {"name": "power_on", "label": "power on", "args": {}},
]

# --- streams -------------------------------------------------------------------------------


@pytest.fixture
def user(db: Any) -> Any:
    return get_user_model().objects.create_user(username="carol", password="pw-sse-9f3k")


def _make_op(user: Any, **overrides: Any) -> Operation:
    now = timezone.now()
    values: dict[str, Any] = {
        "vm_id": 101,
        "target_key": f"vm:{uuid.uuid4().int % 10**9}",
        "params": {"cores": 4, "memory": 4096},
        "original": {"power_on": True, "cores": 2, "memory": 2048},
        "plan": PLAN,
        "step_index": 0,
        "started_at": now,
        "enqueued_at": None,
    }
    return operation_row(user, **(values | overrides))


async def _next(stream: AsyncIterator[Any], timeout: float = 5) -> str:
    chunk = await asyncio.wait_for(anext(stream), timeout)
    return chunk.decode() if isinstance(chunk, bytes) else chunk


def _nudge(url: str, channel: str, op_id: Any) -> None:
    """What the engine's announcement does (panel.activity.live.events): the team's
    generation moves on, then the nudge."""
    body = {"id": str(op_id), "status": "?", "step_index": 0, "updated_at": None, "batch_id": None}
    client = redis.Redis.from_url(url)
    client.incr(events.TEAM_GENERATION)
    client.publish(channel, json.dumps(body))


async def _update(op_id: Any, **fields: Any) -> None:
    await sync_to_async(Operation.objects.filter(pk=op_id).update)(
        updated_at=timezone.now(), **fields
    )


def test_operation_stream_sends_the_present_then_each_change_and_ends_after_terminal(
    user, redis_url, settings
):
    settings.REDIS_URL = redis_url
    op = _make_op(user)
    channel = events.operation_channel(op.pk)

    async def scenario() -> list[str]:
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(reverse("operations:events", args=[op.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/event-stream")
        assert response["Cache-Control"] == "no-cache"
        assert response["X-Accel-Buffering"] == "no"
        stream = aiter(response.streaming_content)
        frames = [await _next(stream), await _next(stream)]  # retry, then the present
        await _update(op.pk, step_index=1)
        await sync_to_async(_nudge)(redis_url, channel, op.pk)
        frames.append(await _next(stream))
        await _update(op.pk, step_index=3, status="succeeded", finished_at=timezone.now())
        await sync_to_async(_nudge)(redis_url, channel, op.pk)
        frames.append(await _next(stream))
        frames.append(await _next(stream))
        with pytest.raises(StopAsyncIteration):
            await _next(stream)
        return frames

    retry, present, step2, finished, done = async_to_sync(scenario)()
    assert retry == "retry: 3000\n\n"
    # The present, with the first beat: the page knows at once how long silence may last.
    event, beat = _parse(present)
    assert beat == {"event": "beat", "data": f"{settings.PANEL_LIVE_HEARTBEAT_SECONDS:g}"}
    assert event["event"] == "progress"
    assert "ACPI shutdown (up to 60 s, then hard off)" in event["data"]
    assert 'aria-valuetext="0 percent' in event["data"]
    [event] = _parse(step2)
    assert "cores 2→4, memory 2→4 GiB" in event["data"]
    [event] = _parse(finished)
    assert "Succeeded" in event["data"] and 'value="100"' in event["data"]
    assert _parse(done) == [] or _parse(done)[0]["event"] == "done"
    assert done.startswith("event: done\n")


def test_a_late_subscriber_to_a_finished_operation_gets_its_state_and_done(
    user, redis_url, settings
):
    settings.REDIS_URL = redis_url
    op = _make_op(
        user, status="failed", error="BigV refused the change.", finished_at=timezone.now()
    )

    async def scenario() -> str:
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(reverse("operations:events", args=[op.pk]))
        return "".join([chunk.decode() async for chunk in response.streaming_content])

    body = async_to_sync(scenario)()
    names = [event["event"] for event in _parse(body)]
    assert names == ["progress", "done"]
    assert "BigV refused the change." in body


def test_the_stream_beats_when_nothing_happens_saying_how_often(
    user, redis_url, settings, monkeypatch
):
    settings.REDIS_URL = redis_url
    settings.PANEL_LIVE_HEARTBEAT_SECONDS = 0.2
    op = _make_op(user)

    async def scenario() -> str:
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(reverse("operations:events", args=[op.pk]))
        stream = aiter(response.streaming_content)
        await _next(stream)
        await _next(stream)
        beat = await _next(stream)
        await response.streaming_content.aclose()
        return beat

    assert _parse(async_to_sync(scenario)()) == [{"event": "beat", "data": "0.2"}]


def test_without_redis_the_stream_sends_the_present_says_live_is_off_and_ends_without_done(
    user, settings
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    op = _make_op(user)

    async def scenario() -> str:
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(reverse("operations:events", args=[op.pk]))
        return "".join([chunk.decode() async for chunk in response.streaming_content])

    body = async_to_sync(scenario)()
    # No "done": the browser reconnects after "retry" and gets the present again; the page
    # says live updates are unavailable meanwhile.
    events = _parse(body)
    assert [event["event"] for event in events] == ["progress", "unavailable"]
    assert events[1]["data"] == "Live updates unavailable — refreshing every few seconds."


def test_a_stream_ends_after_its_lifetime_without_done(user, redis_url, settings, monkeypatch):
    settings.REDIS_URL = redis_url
    monkeypatch.setattr(sse, "MAX_STREAM_SECONDS", 0.3)
    settings.PANEL_LIVE_HEARTBEAT_SECONDS = 0.1
    op = _make_op(user)

    async def scenario() -> str:
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(reverse("operations:events", args=[op.pk]))
        return "".join([chunk.decode() async for chunk in response.streaming_content])

    body = async_to_sync(scenario)()
    # The browser reconnects (and the login and idle checks run again); nothing says "done".
    names = [event["event"] for event in _parse(body)]
    assert names[0] == "progress"
    assert names[1:] and set(names[1:]) == {"beat"}


def test_the_team_stream_sends_count_and_list(user, redis_url, settings):
    settings.REDIS_URL = redis_url
    _make_op(user)
    other = _make_op(user, vm_name="db1", status="succeeded", finished_at=timezone.now())

    async def scenario() -> list[dict[str, str]]:
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(reverse("operations:team_events"))
        stream = aiter(response.streaming_content)
        await _next(stream)
        first = _parse(await _next(stream))
        # The present carries the first beat, saying how often they come.
        assert first.pop() == {
            "event": "beat",
            "data": f"{settings.PANEL_LIVE_HEARTBEAT_SECONDS:g}",
        }
        await _update(other.pk, status="running", finished_at=None)
        await sync_to_async(_nudge)(redis_url, events.TEAM_CHANNEL, other.pk)
        second = _parse(await _next(stream))
        await response.streaming_content.aclose()
        return first + second

    first_count, first_list, second_count, second_list = async_to_sync(scenario)()
    assert (first_count["event"], first_list["event"]) == ("count", "list")
    assert ">1</span> running now" in first_count["data"]
    # By the names as the list shows them (an operation's id in a link may hold "db1").
    assert "<strong>web1</strong>" in first_list["data"]
    assert "<strong>db1</strong>" not in first_list["data"]
    assert ">2</span> running now" in second_count["data"]
    assert "<strong>db1</strong>" in second_list["data"]


@pytest.mark.parametrize("which", ["operation", "team", "batch"])
def test_a_stream_holds_no_database_connection_while_it_waits(
    transactional_db, user, redis_url, settings, which
):
    """One open stream per tab must not mean one open database connection per tab."""
    from django.db import connection

    from panel.operations.models import Batch

    settings.REDIS_URL = redis_url
    op = _make_op(user)
    url = {
        "operation": lambda: reverse("operations:events", args=[op.pk]),
        "team": lambda: reverse("operations:team_events"),
        "batch": lambda: reverse(
            "operations:batch_events",
            args=[Batch.objects.create(actor=user, actor_username="carol", kind="spec_change").pk],
        ),
    }[which]()

    async def scenario() -> bool:
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(url)
        stream = aiter(response.streaming_content)
        await _next(stream)  # retry
        await _next(stream)  # the present, read from the database
        # The stream now waits for a nudge; the thread that rendered holds no connection.
        closed = await sync_to_async(lambda: connection.connection is None)()
        await response.streaming_content.aclose()
        return closed

    assert async_to_sync(scenario)() is True


@pytest.mark.parametrize("name", ["operations:events", "operations:progress"])
def test_live_status_needs_a_login(db, name, user):
    op = _make_op(user)

    async def scenario() -> Any:
        return await AsyncClient().get(reverse(name, args=[op.pk]))

    response = async_to_sync(scenario)()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_team_stream_needs_a_login(db):
    async def scenario() -> Any:
        return await AsyncClient().get(reverse("operations:team_events"))

    response = async_to_sync(scenario)()
    assert response.status_code == 302


def test_an_unknown_operation_has_no_stream(user):
    async def scenario() -> Any:
        client = AsyncClient()
        await client.aforce_login(user)
        return await client.get(reverse("operations:events", args=[uuid.uuid4()]))

    assert async_to_sync(scenario)().status_code == 404


def test_under_wsgi_the_stream_is_refused_so_the_page_polls(db, user):
    from django.test import Client

    op = _make_op(user)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("operations:events", args=[op.pk]))
    assert response.status_code == 503  # the EventSource errors: htmx:sseError → polling
    assert client.get(reverse("operations:team_events")).status_code == 503


def test_a_lease_running_out_while_the_snapshot_renders_is_sent_on_the_next_render(
    user, settings, monkeypatch
):
    """The "workers may be down" line depends on the clock alone. A lease that runs out
    between the markup and the key must not leave a key that already says "quiet" beside
    markup without the line: every later render would look unchanged and never be sent."""
    from django.test import RequestFactory

    from panel.activity.live import streams

    settings.OPERATIONS_LEASE_SECONDS = 5
    lapse = timezone.now()  # the lease runs out here
    op = _make_op(user, enqueued_at=lapse - dt.timedelta(seconds=30), lease_expires_at=lapse)
    clock = [lapse - dt.timedelta(seconds=1)]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    rendered = streams.render_to_string

    def render_then_tick(*args: Any, **kwargs: Any) -> str:
        html = rendered(*args, **kwargs)
        clock[0] = lapse + dt.timedelta(seconds=1)  # the lease ran out meanwhile
        return html

    monkeypatch.setattr(streams, "render_to_string", render_then_tick)
    request = RequestFactory().get("/")
    request.user = user

    before = streams._operation_snapshot(request, op.pk)
    after = streams._operation_snapshot(request, op.pk)

    assert "op-unattended" not in before.frames()
    assert "op-unattended" in after.frames()
    assert after.key != before.key  # so the stream sends it
