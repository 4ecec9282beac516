"""One request id for everything a single click causes.

The id is taken from a trusted ``X-Request-ID`` header when it is well formed (a proxy may set
it), otherwise generated. Well formed is strict, because the id goes verbatim into every log
line and audit entry of the request: 16 to 64 hex digits (nginx's ``$request_id`` is 32, our
own ids are 32) or a UUID in its usual dashed form — nothing that could carry markup, a
newline, a separator a log parser splits on, or a message of its own.

It lives in a context variable so that services, the audit trail and log lines pick it up
without threading it through every call; operations copy it into their row so that worker
steps carry the id of the click that started them.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.http import HttpRequest, HttpResponseBase

from panel.core.light_middleware import LightMiddleware

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_WELL_FORMED = re.compile(
    r"[0-9a-fA-F]{16,64}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def current_request_id() -> str:
    return _current.get()


def is_well_formed(value: str) -> bool:
    """Whether a client's (or proxy's) id may be kept as it is."""
    return _WELL_FORMED.fullmatch(value) is not None


def new_request_id() -> str:
    return uuid.uuid4().hex


def bind_request_id(value: str) -> contextvars.Token[str]:
    return _current.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _current.reset(token)


class RequestIdMiddleware(LightMiddleware):
    # In both chains ``before`` and ``after`` run in the request's own context (no thread
    # hop in between), so the token made on the way in resets the id on the way out.
    def before(self, request: HttpRequest) -> None:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if is_well_formed(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        request._request_id_token = bind_request_id(request_id)  # type: ignore[attr-defined]

    def after(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        reset_request_id(request._request_id_token)  # type: ignore[attr-defined]
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
