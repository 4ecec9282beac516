"""One HTTP attempt: send, stream the body under the deadline, classify failures.

Failures come back as ``AttemptFailed`` carrying the public error and a ``kind`` that
the retry policy in transport.py decides on.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import requests
from urllib3.exceptions import ReadTimeoutError

from ._watchdog import Watch, current_watch
from .errors import ConnectionFailed, InvalidResponse, TimedOut, TransportError

Kind = Literal["connect", "read_timeout", "deadline", "truncated", "invalid"]
Params = Sequence[tuple[str, str | int]]

_CHUNK = 64 * 1024
_MAX_BODY = 32 * 1024 * 1024  # nothing the brain returns comes near this


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: Mapping[str, str]  # case-insensitive (requests' CaseInsensitiveDict)
    content: bytes


class AttemptFailed(Exception):
    """``error`` is what the caller sees if the attempt is not retried; ``cause`` is the
    requests exception to chain, or None when it could name a secret URL."""

    def __init__(
        self,
        error: TransportError,
        kind: Kind,
        cause: BaseException | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(error.message)
        self.error, self.kind, self.cause, self.status = error, kind, cause, status


@dataclass(frozen=True, slots=True)
class Attempt:
    session: requests.Session
    method: str
    url: str
    shown: str  # display path: no query string, no token
    secret_url: bool  # the URL holds a token: never chain exceptions that quote it
    params: Params | None
    data: bytes | None
    headers: dict[str, str]
    timeout: tuple[float, float]
    deadline: float
    # What requests would read from the environment (_sessions.environment_for), for a
    # session that does not read it itself.
    environment: Mapping[str, Any] = field(default_factory=dict)

    def run(self) -> Reply:
        watch = Watch(self.deadline)
        reset = current_watch.set(watch)
        try:
            try:
                response = self.session.request(
                    self.method,
                    self.url,
                    params=list(self.params) if self.params else None,
                    data=self.data,
                    headers=self.headers,
                    timeout=self.timeout,
                    allow_redirects=False,  # never followed: see transport.request
                    stream=True,  # so the deadline also bounds the body download
                    **self.environment,
                )
            except requests.RequestException as exc:
                raise self._failure(exc, watch, None) from None
            try:
                content = self._read_body(response, watch)
            finally:
                response.close()
            if watch.fired:
                # The socket was shut down under http.client: what it parsed may look like
                # a complete response (a header block cut short reads as its end).
                error = TimedOut(self._say("deadline passed"), **self._w)
                raise AttemptFailed(error, "deadline", status=response.status_code)
            return Reply(response.status_code, response.headers, content)
        finally:
            watch.cancel()
            current_watch.reset(reset)

    def _read_body(self, response: requests.Response, watch: Watch) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=_CHUNK):
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() >= self.deadline:
                    error = TimedOut(self._say("deadline passed reading the body"), **self._w)
                    raise AttemptFailed(error, "deadline", status=response.status_code)
                if size > _MAX_BODY:
                    error2 = InvalidResponse(self._say("response body too large"), **self._w)
                    raise AttemptFailed(error2, "invalid", status=response.status_code)
        except requests.RequestException as exc:
            raise self._failure(exc, watch, response.status_code) from None
        return b"".join(chunks)

    def _failure(
        self, exc: requests.RequestException, watch: Watch, status: int | None
    ) -> AttemptFailed:
        """Classify a requests exception; ``status`` is set once headers had arrived."""
        cause = None if self.secret_url else exc
        reason = _reason(exc)
        error: TransportError
        kind: Kind
        if watch.fired or time.monotonic() >= self.deadline:
            error, kind = TimedOut(self._say("deadline passed"), **self._w), "deadline"
        elif isinstance(exc, requests.ConnectTimeout):
            error, kind = TimedOut(self._say("connect timed out"), **self._w), "connect"
        elif isinstance(exc, requests.ReadTimeout) or _is_read_timeout(exc):
            error, kind = TimedOut(self._say("read timed out"), **self._w), "read_timeout"
        elif status is not None:
            # Broken mid-body, e.g. fewer bytes than Content-Length (urllib3
            # IncompleteRead → requests ChunkedEncodingError).
            message = self._say(f"response body truncated ({reason})")
            error, kind = InvalidResponse(message, **self._w), "truncated"
        elif isinstance(exc, requests.ConnectionError):
            message = self._say(f"connection failed ({reason})")
            error, kind = ConnectionFailed(message, **self._w), "connect"
        else:  # invalid URL, too many headers …: nothing a retry fixes
            message = self._say(f"request failed ({reason})")
            error, kind = ConnectionFailed(message, **self._w), "invalid"
        return AttemptFailed(error, kind, cause, status)

    def _say(self, what: str) -> str:
        return f"{self.method} {self.shown}: {what}"

    @property
    def _w(self) -> dict[str, str]:
        return {"method": self.method, "path": self.shown}


def _is_read_timeout(exc: BaseException) -> bool:
    # requests turns a read timeout *during the body* into ConnectionError(ReadTimeoutError).
    return any(isinstance(arg, ReadTimeoutError) for arg in exc.args)


def _reason(exc: BaseException) -> str:
    """The innermost cause: it names no URL, unlike the outer requests/urllib3 messages
    (which quote the path, and so the token for the auth service)."""
    inner = exc
    for _ in range(8):
        nested = [
            arg
            for arg in (getattr(inner, "reason", None), *inner.args)
            if isinstance(arg, BaseException)
        ]
        if not nested:
            break
        inner = nested[-1]
    text = str(inner)
    if not text or "/" in text:  # empty, or a URL slipped in: keep only the class
        return type(inner).__name__
    return f"{type(inner).__name__}: {text}"
