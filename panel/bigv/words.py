"""BigV's errors in a person's words, with BigV's own answer kept apart for "details".

``str(error)`` is for logs and the audit trail: it names the status and carries a snippet
of the body. A page shows ``sentence(error)`` — what happened, said as an operator would —
and, behind a "details" toggle, ``raw(error)``: the request and BigV's exact answer, for
whoever has to dig (or quote it to Bytemark's support).
"""

from __future__ import annotations

from .errors import (
    ApiError,
    BadRequest,
    BigVError,
    ConnectionFailed,
    Forbidden,
    InvalidResponse,
    NotFound,
    ServerError,
    TimedOut,
    TransportError,
    Unauthorized,
    Unavailable,
)

_RAW_LIMIT = 2000


def field_sentence(field: str, message: str, *, this: bool = False) -> str:
    """ "Name has already been taken." — or, beside the field itself, "This name has …"."""
    words = field.replace("_", " ").strip()
    text = message.strip().rstrip(".")
    if text[:1].isupper():  # already a sentence of its own ("Missing interval parameter")
        return f"{words.capitalize()}: {text}." if words and not this else f"{text}."
    if this and words:
        return f"This {words} {text}."
    return f"{words.capitalize()} {text}." if words else f"{text[:1].upper()}{text[1:]}."


def _bad_request(error: BadRequest) -> str:
    parts = [
        field_sentence(field, message)
        for field, messages in error.field_errors.items()
        for message in messages
    ]
    for index, disc in enumerate(error.disc_errors):
        parts += [
            field_sentence(f"disc {index + 1} {field}", message)
            for field, messages in disc.items()
            for message in messages
        ]
    if parts:
        return "BigV refused it: " + " ".join(parts)
    text = error.message.strip().rstrip(".")
    return f"BigV refused it: {text[:1].upper()}{text[1:]}." if text else "BigV refused it."


def sentence(error: BigVError) -> str:
    """What happened, in one or two sentences, without BigV's raw answer."""
    if isinstance(error, BadRequest):
        return _bad_request(error)
    if isinstance(error, Unauthorized):
        return "BigV no longer accepts the stored credentials: reconnect to BigV."
    if isinstance(error, Forbidden):
        return "BigV says this BigV user may not do that."
    if isinstance(error, NotFound):
        return "BigV cannot find it, or this BigV user may not see it."
    if isinstance(error, Unavailable):
        return "BigV says it is unavailable for the moment."
    if isinstance(error, ServerError):
        return f"BigV had an internal error (HTTP {error.status})."
    if isinstance(error, ApiError):
        return f"BigV answered with an unexpected status (HTTP {error.status})."
    if isinstance(error, TimedOut):
        return "BigV did not answer in time."
    if isinstance(error, ConnectionFailed):
        return "The panel could not connect to BigV."
    if isinstance(error, InvalidResponse | TransportError):
        return "BigV's answer could not be read."
    return "BigV did not do it."


def raw(error: BigVError) -> str:
    """The request and BigV's exact answer (status and body), for the "details" toggle."""
    if isinstance(error, ApiError):
        where = f"{error.method} {error.path} → " if error.method else ""
        body = error.body.strip() or "(empty body)"
        if len(body) > _RAW_LIMIT:
            body = body[:_RAW_LIMIT] + "…"
        return f"{where}HTTP {error.status}\n{body}"
    if isinstance(error, TransportError):
        where = f"{error.method} {error.path}: " if error.method else ""
        return f"{where}{error.message}"
    return error.message
