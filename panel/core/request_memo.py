"""Reads kept for the length of one page request, and no longer.

A page asks for the same few rows several times: the person's BigV credential, for
instance, is read to build their client, to tell which connection their kept scope belongs
to, and to name their BigV user on the page. ``remembered(key, read)`` reads once per page
request and hands the same answer to every later ask.

Only the page chain (Django's sync one) keeps anything: ``RequestMemoMiddleware`` opens a
memo on the way in and drops it on the way out. Outside a page — workers, management
commands, tests calling services directly, and the live streams, which stay open for
minutes and must see a disconnection at their next render — ``remembered`` simply reads.
A change to a remembered row in this request forgets the memo (``forget``), so a page that
connects or disconnects reads the new state afterwards.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from panel.core.light_middleware import LightMiddleware

_memo: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "panel_request_memo", default=None
)


def remembered[T](key: Hashable, read: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    value: T = memo[key]
    return value


def forget() -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware(LightMiddleware):
    def before(self, request: HttpRequest) -> None:
        if not self.async_mode:  # the streams read afresh on every render
            request._memo_token = _memo.set({})  # type: ignore[attr-defined]

    def after(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        token = getattr(request, "_memo_token", None)
        if token is not None:
            _memo.reset(token)
        return response
