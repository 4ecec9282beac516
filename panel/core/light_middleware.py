"""Middleware that runs in Django's sync chain and its async chain alike, without a thread.

The panel serves its pages through a sync middleware chain and its live streams (async
views) through Django's async one (``panel.runtime.asgi_handlers``). A sync-only layer in
the async chain makes Django run that layer in a thread and every layer inside it through
``async_to_sync`` — a bridge that, when the browser drops the stream before the view has
answered (a page left while its stream opens), can leave the request's task holding an
executor that has already quit, and Django's ``request_finished`` then fails on it. Layers
that are both sync- and async-capable (Django's "Asynchronous support" for middleware) keep
the async chain free of that bridge.

``LightMiddleware`` is for cheap, non-blocking work on the way in (``before``) and out
(``after``): headers, a context variable, a log line. Anything that touches the database
(sessions, messages) subclasses Django's ``MiddlewareMixin`` instead, which runs its hooks
in a thread in the async chain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase


def chain_mode(layer: Callable[..., Any], get_response: Callable[[HttpRequest], Any]) -> bool:
    """Whether ``layer`` sits in an async chain (its inner handler is a coroutine); if so it
    is marked as a coroutine function, so that Django awaits it."""
    is_async = iscoroutinefunction(get_response)
    if is_async:
        markcoroutinefunction(layer)
    return is_async


class LightMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.async_mode = chain_mode(self, get_response)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self._acall(request)
        self.before(request)
        return self.after(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        self.before(request)
        inner: Awaitable[HttpResponseBase] = self.get_response(request)
        return self.after(request, await inner)

    def before(self, request: HttpRequest) -> None:
        """On the way in (the event loop's thread in the async chain: never block)."""

    def after(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """On the way out, with the response of the layers inside."""
        return response
