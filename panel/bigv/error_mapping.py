"""The one function that maps an HTTP error response to the error tree (docs/bigv-api.md §5.6)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from .errors import (
    ApiError,
    BadRequest,
    Forbidden,
    NotFound,
    ServerError,
    Unauthorized,
    Unavailable,
    UnexpectedStatus,
)

_SNIPPET = 300  # at most this much of an error body goes into a human message

_DEFAULT_MESSAGES = {
    400: "the request was refused",
    401: "not authenticated: the token is missing, invalid or expired",
    403: "permission denied",
    404: "not found (or not visible to this user)",
    500: "the BigV API failed with an internal error",
    502: "bad gateway in front of the BigV API",
    503: "the BigV API is temporarily unavailable",
    504: "gateway timeout in front of the BigV API",
}


def error_from_response(
    status: int, body: bytes, headers: Mapping[str, str], *, method: str, path: str
) -> ApiError:
    """Map an error status (>= 400) to its ``ApiError`` subclass.

    docs/bigv-api.md §5.2: 400/401/403/404/500/503 are the brain's statuses (502/504 come
    from proxies in front of it); anything else (409, 422 …) is ``UnexpectedStatus``, as the
    official CLI reports an unknown status code.
    ``path`` must already be the display path (no tokens).
    """
    text = body.decode("utf-8", errors="replace")
    if status == 400:
        return bad_request(text, method=method, path=path)
    message = _message(status, text, headers)
    if status == 503:
        retry_after = parse_retry_after(headers.get("Retry-After"))
        return Unavailable(status, message, text, retry_after=retry_after, method=method, path=path)
    cls: type[ApiError] = {
        401: Unauthorized,
        403: Forbidden,
        404: NotFound,
        500: ServerError,
        502: ServerError,
        504: ServerError,
    }.get(status, UnexpectedStatus)
    if cls is UnexpectedStatus:
        message = f"unexpected HTTP status {status}: {message}"
    return cls(status, message, text, method=method, path=path)


def bad_request(text: str, *, method: str = "", path: str = "") -> BadRequest:
    """Parse a 400 body in the shapes of docs/bigv-api.md §5.3.

    A JSON object whose values are a string or an array of strings gives
    ``field_errors``; the key ``discs`` holding an array of such objects gives
    ``disc_errors`` (one per submitted disc). Any other body (text/plain refusal, or JSON
    BC could not decode) is kept verbatim as the message.
    """
    verbatim = text.strip() or _DEFAULT_MESSAGES[400]
    try:
        data = json.loads(text)
    except ValueError:
        return BadRequest(400, verbatim, text, method=method, path=path)
    fields: dict[str, list[str]] = {}
    discs: list[dict[str, list[str]]] = []
    if not isinstance(data, dict):
        return BadRequest(400, verbatim, text, method=method, path=path)
    for key, value in data.items():
        if key == "discs" and value and isinstance(value, list) and _all_dicts(value):
            parsed = [_messages_map(item) for item in value]
            if any(item is None for item in parsed):
                return BadRequest(400, verbatim, text, method=method, path=path)
            discs = [item for item in parsed if item is not None]
            continue
        messages = _messages(value)
        if messages is None:
            return BadRequest(400, verbatim, text, method=method, path=path)
        fields[key] = messages
    parts = [f"{key}: {', '.join(msgs)}" for key, msgs in fields.items()]
    for index, disc in enumerate(discs, start=1):
        parts += [f"disc {index} {key}: {', '.join(msgs)}" for key, msgs in disc.items()]
    message = "; ".join(parts) or verbatim
    return BadRequest(
        400, message, text, field_errors=fields, disc_errors=discs, method=method, path=path
    )


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _messages(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _all_dicts(items: list[Any]) -> bool:
    return all(isinstance(item, dict) for item in items)


def _messages_map(value: Any) -> dict[str, list[str]] | None:
    if not isinstance(value, dict):
        return None
    result: dict[str, list[str]] = {}
    for key, item in value.items():
        messages = _messages(item)
        if messages is None:
            return None
        result[key] = messages
    return result


def _message(status: int, text: str, headers: Mapping[str, str]) -> str:
    default = _DEFAULT_MESSAGES.get(status, "error")
    snippet = text.strip()
    # Proxies answer 502/504 with HTML pages: not useful in a message (kept in .body).
    if not snippet or "html" in headers.get("Content-Type", "").lower():
        return default
    if len(snippet) > _SNIPPET:
        snippet = snippet[:_SNIPPET] + "…"
    return f"{default}: {snippet}"
