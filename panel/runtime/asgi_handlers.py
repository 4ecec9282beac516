"""The panel's ASGI application: one thread hop for a page, the async path for the streams.

Django's ASGI handler runs a middleware chain whose layers are sync-only (ours, WhiteNoise)
or both-ways (Django's own) as an *async* chain: every both-ways middleware then hops to a
worker thread for its ``process_request`` and again for its ``process_response``, and a
sync-only layer hops back to the event loop for the layers inside it. For the panel's pages
(sync views) that came to a dozen hops and about 9 ms a request, several times the work of
a small page (measured by ``make bench``: a 3 ms login page took 12 ms).

``PagesHandler`` therefore builds the chain in sync mode and runs chain and view together in
one ``sync_to_async`` call — what the WSGI handler does, inside one thread hop. The async
views (the Server-Sent Event streams, which must not keep a thread busy for as long as a page
is open) keep Django's own async handler. ``PanelApplication`` routes by the view the URL
resolves to, so a new async view needs no list to be kept up to date. A request's sync work
runs on a thread kept from earlier requests rather than one started (and joined) for it
(``page_threads``).

Measured again (uvicorn, one process, 600 sequential logins): 3.7 ms a page here against
5.3 to 6.0 ms under Django's stock ``get_asgi_application()``; reusing threads alone is about
0.45 ms of that (3.5 against 3.95 ms). Again later, uvicorn, one process, the VM page and
the BigV connection page: 6.2 to 7.1 ms and 4.9 ms here, 8.7 to 11.2 ms and 5.9 to 7.5 ms
under the stock handler. ``tests/runtime/test_page_threads.py`` pins what both
rely on: Django awaits ``get_response_async`` once per request and builds the chain that
``load_middleware`` is asked for (a page costs a fixed few thread hops, not two per layer),
and asgiref's ``ThreadSensitiveContext(executor=...)``.

WebSockets (the VMs' consoles, ``panel.console``) go to the Channels application of
``panel.console.routing``, in a thread context of their own like a page: a console keeps its
thread for the database work it does while it is open, as a live stream does.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import ThreadSensitiveContext, iscoroutinefunction, sync_to_async
from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, get_resolver

from panel.runtime.page_threads import PageThreads

Scope = dict[str, Any]


class PagesHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain and the view run as one sync call."""

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # thread_sensitive: inside the request's ThreadSensitiveContext, as Django's own
        # sync views are run, so the database connection stays with one thread per request.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


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
