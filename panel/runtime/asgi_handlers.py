"""The panel's ASGI application: one thread hop for a page, the async path for the streams.

Django's ASGI handler runs a middleware chain whose layers are sync-only (ours, WhiteNoise)
or both-ways (Django's own) as an *async* chain: every both-ways middleware then hops to a
worker thread for its ``process_request`` and again for its ``process_response``, and a
sync-only layer hops back to the event loop for the layers inside it. For the panel's pages
(sync views) that came to a dozen hops and about 9 ms a request, several times the work of
a small page (measured by ``make bench``: a 3 ms login page took 12 ms).

``PagesHandler`` therefore serves a page as Django's WSGI handler does — ``request_started``,
the chain built in sync mode, the view, closing the answer (``request_finished``) — all in
one ``sync_to_async`` call: one thread hop a page. Django's ASGI handler, even with a sync
chain, hops three times (the start signal, the chain, the closing) and watches for a
disconnect in a task group besides; a page's answer is all in memory, so closing it before
it is sent finishes nothing early. A streamed answer (an export) leaves part by part, each
part made on the request's thread (Django's handler would read it whole first), and is
closed after it is sent, in a hop of its own. The async views (the Server-Sent Event
streams, which must not keep a thread busy for as long as a page is open) keep Django's own
async handler.
``PanelApplication`` routes by the view the URL resolves to, so a new async view needs no
list to be kept up to date. A request's sync work runs on a thread kept from earlier
requests rather than one started (and joined) for it (``page_threads``).

Measured (uvicorn, one process, 600 sequential logins): 3.7 ms a page with the sync chain in
one hop against 5.3 to 6.0 ms under Django's stock ``get_asgi_application()``; reusing
threads alone is about 0.45 ms of that (3.5 against 3.95 ms). Then one hop in place of three,
in-process through the ASGI application: 0.45 ms less around every page (0.9 → 0.45 ms
outside the view); over HTTP, the same pages of two stacks side by side, requests
interleaved: 0.25 to 0.5 ms less a page. ``tests/runtime/test_page_threads.py`` and
``test_pages_handler.py`` pin what this relies on: Django calls ``handle`` once per request
and builds the chain that ``load_middleware`` is asked for (a page is one thread hop, not two
per layer), the signals fire on the view's thread, and asgiref's
``ThreadSensitiveContext(executor=...)``.

WebSockets (the VMs' consoles, ``panel.console``) go to the Channels application of
``panel.console.routing``, in a thread context of their own like a page: a console keeps its
thread for the database work it does while it is open, as a live stream does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from typing import Any, cast

from asgiref.sync import ThreadSensitiveContext, iscoroutinefunction, sync_to_async
from django.core import signals
from django.core.asgi import get_asgi_application
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import HttpResponseBase, StreamingHttpResponse
from django.urls import Resolver404, get_resolver, set_script_prefix

from panel.runtime.page_threads import PageThreads

Scope = dict[str, Any]


class PagesHandler(ASGIHandler):
    """Django's ASGI handler serving a page as its WSGI handler does, in one thread hop."""

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def handle(self, scope: Scope, receive: Any, send: Any) -> None:
        try:
            body = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body):
            set_script_prefix(get_script_prefix(scope))
            # thread_sensitive: inside the request's ThreadSensitiveContext, as Django runs
            # its own sync views, so the database connection stays with one thread.
            response = await sync_to_async(self.respond, thread_sensitive=True)(scope, body)
            if isinstance(response, StreamingHttpResponse) and not response.is_async:
                parts = cast(Iterator[bytes], response.streaming_content)  # not is_async
                response.streaming_content = _parts_off_thread(parts)
            await self.send_response(response, send)
            if response.streaming:
                # An export, read by Django as it is sent: finished once it is sent.
                await sync_to_async(response.close, thread_sensitive=True)()

    def respond(self, scope: Scope, body: Any) -> HttpResponseBase:
        """The request from signal to signal, as ``WSGIHandler.__call__`` serves it."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, refused = self.create_request(scope, body)
        # create_request gives a request, or the answer refusing it (a body past its limit).
        response = (
            cast(HttpResponseBase, refused) if request is None else self.get_response(request)
        )
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        if not response.streaming:
            # Its bytes are all in memory: it is finished (``request_finished``) here,
            # rather than in a hop of its own after sending, as Django's ASGI handler does.
            response.close()
        return response


_END = object()


async def _parts_off_thread(parts: Iterator[bytes]) -> AsyncIterator[bytes]:
    """A streamed answer's parts, each made on the request's thread and sent as it comes.

    Handed a plain iterator, Django's ASGI handler first reads it whole into a list (and
    warns): an export of the audit trail would sit in the web process's memory before its
    first byte left. The parts come from the database, so they are made where the request's
    connection lives (``thread_sensitive``), one hop per part (a part holds hundreds of
    rows)."""
    next_part = sync_to_async(_next, thread_sensitive=True)
    while (part := await next_part(parts)) is not _END:
        yield cast(bytes, part)


def _next(parts: Iterator[bytes]) -> object:
    return next(parts, _END)


def is_async_view(path: str) -> bool:
    try:
        match = get_resolver().resolve(path)
    except Resolver404:
        return False
    return iscoroutinefunction(match.func)


class PanelApplication:
    """Routes a request to the pages or the streams handler, in a thread context of its own.

    The context is set here, for both handlers, rather than left to Django's own
    ``ThreadSensitiveContext()``, because that one only takes effect when no context is set
    yet — and a request's task can start with an old one already set. asyncio runs a
    transport's ``data_received`` in the context of whoever last resumed reading, so with
    keep-alive a new request's task may copy the context of the previous request on that
    connection (CPython issue 140947). Django would then reuse that request's finished
    context: asgiref refuses ("ThreadSensitiveContext has exited"), the stream dies, and the
    browser only catches up when it reconnects. A context with an executor always starts
    afresh, whatever the task inherited; nothing else is reset, so context set by a wrapping
    ASGI middleware (tracing, say) still reaches the views.
    """

    def __init__(self) -> None:
        self.streams = get_asgi_application()  # also runs django.setup()
        self.pages = PagesHandler()
        self.threads = PageThreads()
        from panel.console.routing import websocket_application  # needs the apps loaded

        self.websockets = websocket_application()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            handler: Any = self.websockets
        elif scope["type"] != "http":
            await self.streams(scope, receive, send)  # Django refuses it, with the reason
            return
        else:
            handler = self.streams if is_async_view(scope["path"]) else self.pages
        executor = self.threads.take()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await handler(scope, receive, send)
        finally:
            self.threads.give_back(executor)
