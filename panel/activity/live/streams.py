"""Live status: the SSE streams (async) and the polling fallbacks (sync, HTTP 286 at the end).

Every stream and its polling twin render the same fragment from the same row, so the page
looks the same whichever way it is fed. The streams run under the ASGI server (uvicorn);
LoginRequiredMiddleware covers them like any view (Django runs process_view for async views
too; tests/operations/test_events_sse.py checks it). Rendering happens in a thread
(``sync_to_async``): templates and the ORM are synchronous.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from panel.access import visibility
from panel.access.policy import may_cancel, may_stop
from panel.activity import selectors
from panel.activity.live import events
from panel.activity.live.sse import Snapshot, event_stream, live_stream
from panel.operations.models import Batch, Operation
from panel.operations.selectors import batch_is_final, unattended_seconds

PROGRESS = "_components/progress.html"
RUNNING_NOW = "_components/running_now.html"
BATCH = "activity/batch.html"
STOP_POLLING = 286  # htmx stops an "every" trigger when the answer has this status
_GONE = '<p class="muted">This operation no longer exists.</p>'


def _not_asgi(request: HttpRequest) -> HttpResponseBase | None:
    """Under WSGI (runserver, the WSGI live server of browser tests) a stream would hold a
    worker thread for as long as the page is open: refuse, and the page polls instead (an
    EventSource that gets an error status fires htmx:sseError)."""
    if isinstance(request, ASGIRequest):
        return None
    return HttpResponse(
        "Live updates need the ASGI server; this page polls instead.",
        status=503,
        content_type="text/plain",
    )


def _op_key(op: Operation) -> tuple[Any, ...]:
    # Whether a worker looks after it changes with time alone (a dead worker writes nothing):
    # the heartbeat's re-render sees it and sends the "workers may be down" line. A snapshot
    # takes its key *before* rendering: the template asks the clock again, and were the key
    # taken after, a lease running out between the two would give a key that already says
    # "quiet" beside markup without the line — and every later render, its key the same,
    # would be sent nowhere. Taken first, the key is never ahead of the markup.
    quiet = unattended_seconds(op) is not None
    return (
        op.pk,
        op.status,
        op.step_index,
        op.updated_at,
        op.cancel_requested,
        len(op.step_log),
        quiet,
    )


def _progress_context(request: HttpRequest, op: Operation) -> dict[str, Any]:
    view = "detail" if request.GET.get("view") == "detail" else ""
    return {
        "op": op,
        "view": view,
        "compact": request.GET.get("compact") == "1",
        "may_cancel": view == "detail" and may_cancel(request.user, op),
    }


async def _rendered[T](snapshot: Callable[..., T], *args: Any) -> T:
    """Render on the request's thread, then hand its database connection back.

    A stream waits seconds to minutes between renders, and every page has one open (the
    header's "running now"). A connection held meanwhile would be one PostgreSQL connection
    per open tab, and a team's tabs would reach ``max_connections`` long before the web
    process ran out of anything else. Reconnecting costs a few milliseconds per render.
    """
    return await sync_to_async(_then_release)(snapshot, *args)


def _then_release[T](snapshot: Callable[..., T], *args: Any) -> T:
    try:
        return snapshot(*args)
    finally:
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:  # never under a caller's transaction
                connection.close()


# --- one operation -------------------------------------------------------------------------


def _operation_snapshot(request: HttpRequest, operation_id: uuid.UUID) -> Snapshot:
    op = selectors.operation(request.user, operation_id)
    if op is None:
        return Snapshot.progress(_GONE, final=True)
    key = _op_key(op)  # before rendering: see _op_key
    context = _progress_context(request, op)
    html = render_to_string(f"{PROGRESS}#body", context, request=request)
    return Snapshot.progress(html, final=op.is_terminal, key=key)


@require_GET
async def operation_events(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponseBase:
    if refused := _not_asgi(request):
        return refused
    if await _rendered(selectors.operation, request.user, operation_id) is None:
        raise Http404("No such operation, or not one you may see.")

    async def snapshot() -> Snapshot:
        return await _rendered(_operation_snapshot, request, operation_id)

    channels = [events.operation_channel(operation_id)]
    return event_stream(live_stream(channels, snapshot))


@require_GET
def operation_progress(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    op = selectors.operation(request.user, operation_id)
    if op is None:
        raise Http404("No such operation, or not one you may see.")
    response = render(request, f"{PROGRESS}#polled", _progress_context(request, op))
    if op.is_terminal:
        response.status_code = STOP_POLLING
    return response


# --- the team ("running now") ----------------------------------------------------------------


def _team_snapshot(request: HttpRequest, visible: selectors.Visible) -> Snapshot:
    team = selectors.team_state(request.user, visible, known=True)
    key = (team.count, team.unattended, tuple(_op_key(op) for op in team.ops))  # see _op_key
    context = {"team": team}
    rendered = (
        ("count", render_to_string(f"{RUNNING_NOW}#count", context, request=request)),
        ("list", render_to_string(f"{RUNNING_NOW}#list", context, request=request)),
    )
    return Snapshot(events=rendered, final=False, key=key)


@require_GET
async def team_events(request: HttpRequest) -> HttpResponseBase:
    if refused := _not_asgi(request):
        return refused

    # What the person may see is decided once per stream (it is re-opened every few
    # minutes, MAX_STREAM_SECONDS), not on every render.
    visible = await _rendered(visibility.operations_test, request.user)

    async def snapshot() -> Snapshot:
        return await _rendered(_team_snapshot, request, visible)

    return event_stream(live_stream([events.TEAM_CHANNEL], snapshot))


@require_GET
def running(request: HttpRequest) -> HttpResponse:
    """The polling fallback of the header indicator (never 286: the team never finishes)."""
    return render(request, f"{RUNNING_NOW}#polled", {"team": selectors.team_state(request.user)})


# --- one batch -------------------------------------------------------------------------------


def batch_context(user: Any, batch: Batch) -> dict[str, Any]:
    """The batch as ``user`` may see it: only the VMs they may see are listed."""
    ops = selectors.batch_operations(user, batch)
    counts = {status: 0 for status in ("active", "succeeded", "failures", "cancelled")}
    for op in ops:
        if not op.is_terminal:
            counts["active"] += 1
        elif op.status == "succeeded":
            counts["succeeded"] += 1
        elif op.status == "cancelled":
            counts["cancelled"] += 1
        else:
            counts["failures"] += 1
    return {
        "batch": batch,
        "ops": ops,
        "counts": counts,
        "final": batch_is_final(batch, ops),
        "may_stop": may_stop(user, batch),
    }


def _batch_snapshot(request: HttpRequest, batch_id: uuid.UUID) -> Snapshot:
    batch = selectors.batch(request.user, batch_id)
    if batch is None:
        return Snapshot.progress(_GONE, final=True)
    context = batch_context(request.user, batch)
    key = (batch.status, tuple(_op_key(op) for op in context["ops"]))  # before: see _op_key
    html = render_to_string(f"{BATCH}#body", context, request=request)
    return Snapshot.progress(html, final=context["final"], key=key)


@require_GET
async def batch_events(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponseBase:
    if refused := _not_asgi(request):
        return refused
    if await _rendered(selectors.batch, request.user, batch_id) is None:
        raise Http404("No such batch, or not one you may see.")

    async def snapshot() -> Snapshot:
        return await _rendered(_batch_snapshot, request, batch_id)

    return event_stream(live_stream([events.batch_channel(batch_id)], snapshot))


@require_GET
def batch_progress(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = selectors.batch(request.user, batch_id)
    if batch is None:
        raise Http404("No such batch, or not one you may see.")
    context = batch_context(request.user, batch)
    response = render(request, f"{BATCH}#polled", context)
    if context["final"]:
        response.status_code = STOP_POLLING
    return response
