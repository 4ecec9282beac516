"""Server-Sent Events: the framing, and the live stream behind every SSE view.

No SSE library is installed (and none is needed for three fields), so the framing is the
few lines below, unit-tested for multi-line data and for CR/LF injection: every line of the
data gets its own ``data:`` prefix, splitting on CRLF, CR and LF exactly as the WHATWG
parser does, so no payload can end an event early or smuggle in a field of its own.

``live_stream`` is the one loop all streams share: subscribe first (so no change between the
first read and the subscription is lost), send the present state at once (a late subscriber
sees it), then re-render on every Redis nudge, send a ``beat`` event every
``PANEL_LIVE_HEARTBEAT_SECONDS`` and stop after a final state. The beat keeps proxies from
dropping a quiet connection, and it tells the browser the server is still there: a stream
that has not beaten for a few intervals died without closing (a laptop that slept, a
connection a router forgot) and the page opens it again (static/activity/live.js). Its data
is the interval in seconds, so the page knows how long silence may last.
A stream that ends without ``done`` (Redis unreachable or lost, or ``MAX_STREAM_SECONDS``
reached) is reconnected by the browser after ``RETRY_MS`` and starts again with the present
state — with Redis down that is polling by reconnection. Only when the browser gives up on
the stream (an error status, a wrong content type: ``EventSource.CLOSED``) does the fragment
switch to its polling URL (static/activity/live.js).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass

import redis.asyncio as aioredis
from django.conf import settings
from django.http import StreamingHttpResponse
from redis.asyncio.client import PubSub

logger = logging.getLogger(__name__)

# A stream ends after this long without "done"; the browser reconnects (RETRY_MS) and the
# login and idle-session checks run again, so an abandoned tab is not fed forever.
MAX_STREAM_SECONDS = 300.0
RETRY_MS = 3000  # how long a browser waits before reconnecting a dropped stream
PROGRESS_EVENT = "progress"
# Sent when Redis cannot be reached: the page says "live updates unavailable" while its
# fragments keep coming by reconnection (static/activity/live.js).
UNAVAILABLE_EVENT = "unavailable"
UNAVAILABLE_TEXT = "Live updates unavailable — refreshing every few seconds."
DONE_EVENT = "done"  # the fragments' sse-close: the browser closes the stream on it
BEAT_EVENT = "beat"  # every heartbeat; no fragment swaps it in

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def sse_event(event: str, data: str) -> str:
    """One event: ``event: <name>`` then a ``data:`` line per line of ``data``, then a blank
    line. The name is ours, never user input, and is refused if it could break the frame."""
    if not _NAME.match(event):
        raise ValueError(f"invalid SSE event name: {event!r}")
    lines = _LINE_BREAK.split(data)
    return f"event: {event}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


def sse_retry(milliseconds: int) -> str:
    return f"retry: {int(milliseconds)}\n\n"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The present state as the events to send (name, rendered fragment).

    ``key`` says what changed: the events are sent again only when it differs from the last
    one sent (the fragments' clocks tick in the browser, not by re-sending). ``final``: the
    state cannot change any more (the stream sends ``done`` and ends).
    """

    events: tuple[tuple[str, str], ...]
    final: bool
    key: Hashable = None

    @classmethod
    def progress(cls, html: str, *, final: bool, key: Hashable = None) -> Snapshot:
        return cls(events=((PROGRESS_EVENT, html),), final=final, key=key)

    def frames(self) -> str:
        return "".join(sse_event(name, html) for name, html in self.events)


Render = Callable[[], Awaitable[Snapshot]]


async def _subscribe(channels: Sequence[str]) -> tuple[aioredis.Redis, PubSub] | None:
    client = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
    try:
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(*channels)
    except (aioredis.RedisError, OSError) as error:
        logger.warning("live status unavailable (%s); the page will poll", error)
        await client.aclose()
        return None
    return client, pubsub


async def live_stream(
    channels: Sequence[str], render: Render, *, heartbeat: float | None = None
) -> AsyncIterator[str]:
    if heartbeat is None:
        heartbeat = float(settings.PANEL_LIVE_HEARTBEAT_SECONDS)
    interval = heartbeat
    ends_at = time.monotonic() + MAX_STREAM_SECONDS
    subscription = await _subscribe(channels)
    try:
        yield sse_retry(RETRY_MS)
        snapshot = await render()
        if snapshot.final:
            yield snapshot.frames()
            yield sse_event(DONE_EVENT, "")
            return
        if subscription is None:
            # No "done": the browser reconnects in RETRY_MS and gets the present again.
            yield snapshot.frames()
            yield sse_event(UNAVAILABLE_EVENT, UNAVAILABLE_TEXT)
            return
        # The first beat comes with the present: the page knows at once how long silence
        # may last, and a stream that dies before its next beat is caught as well.
        yield snapshot.frames() + sse_event(BEAT_EVENT, f"{interval:g}")
        _, pubsub = subscription
        last_key, last_beat = snapshot.key, time.monotonic()
        while time.monotonic() < ends_at:
            wait = max(0.0, min(last_beat + interval, ends_at) - time.monotonic())
            try:
                message = await pubsub.get_message(timeout=wait)
                # A burst of step changes costs one render: drain what is already queued.
                while message is not None:
                    message = await pubsub.get_message(timeout=0)
            except (aioredis.RedisError, OSError) as error:
                logger.warning("live status lost (%s); the page will poll", error)
                yield sse_event(UNAVAILABLE_EVENT, UNAVAILABLE_TEXT)
                return
            if time.monotonic() - last_beat >= interval:
                yield sse_event(BEAT_EVENT, f"{interval:g}")
                last_beat = time.monotonic()
            # Re-read on heartbeats too: a lost message (a Redis restart, a publish that
            # failed) is caught up within one heartbeat.
            snapshot = await render()
            if snapshot.key != last_key or snapshot.key is None:
                yield snapshot.frames()
                last_key = snapshot.key
            if snapshot.final:
                yield sse_event(DONE_EVENT, "")
                return
    finally:
        if subscription is not None:
            client, pubsub = subscription
            try:
                await pubsub.aclose()
                await client.aclose()
            except (aioredis.RedisError, OSError):
                pass
        # No database connection to release: each render gives its own back (views/live.py).


def event_stream(stream: AsyncIterator[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx would otherwise hold events back
    return response
