"""HTTP transport shared by ``BigVClient`` and ``AuthClient`` (docs/architecture.md, The client).

Per request: the thread's shared ``requests.Session`` (``_sessions``: connections kept from one
client to the next), or the caller's; ``(connect, read)`` timeouts clipped to an overall
deadline that also bounds retries and backoff; the body is streamed so the deadline holds
against slow-drip servers (with ``_watchdog`` for reads that block); redirects are never
followed; retries only where safe. Retry policy (decided here, tested in
tests/bigv/test_bigv_faults.py; summarised in docs/bigv-api.md §5.5):

* POST: never retried, whatever happened (it may have been applied); nor a PUT that is not
  idempotent (``retry=False``: a restore takes a new backup every time it is applied).
* GET/PUT/DELETE (PUT bodies are absolute values, so repeating one is harmless):
  - connection refused/reset/closed without response, connect timeout → retried;
  - 502/503/504 → retried, honouring Retry-After; a Retry-After above
    ``max_retry_after``, or a wait that does not fit in the remaining deadline, raises
    the error at once (``Unavailable.retry_after`` tells the caller when to come back);
  - read timeout → retried only while a full ``read_timeout`` still fits in the deadline
    (a server that just took ``read_timeout`` to say nothing is unlikely to answer faster);
  - truncated body → GET only, and only once (a dropped connection mid-body is worth one
    more read; a proxy that always truncates should not cost ``retries`` full downloads);
  - malformed JSON, redirects, 500 and other 4xx/5xx, the deadline itself → never.
* ``retries`` counts extra attempts: at most ``1 + retries`` requests.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from ._attempt import Attempt, AttemptFailed, Kind, Params, Reply
from ._decode import Refused, typed_parser
from ._sessions import environment_for, shared_session
from .error_mapping import error_from_response, parse_retry_after
from .errors import InvalidResponse, TimedOut

logger = logging.getLogger(__name__)

# urllib3 logs every request line at DEBUG, and the auth service carries the session token
# in its URL (GET /session/<token>): keep those loggers above DEBUG so no token is ever
# logged, even when a deployment turns DEBUG on globally (docs/architecture.md, The client).
for _name in ("urllib3.connectionpool", "urllib3.util.retry"):
    logging.getLogger(_name).setLevel(logging.WARNING)

Hook = Callable[[str, str, int | None], None]

JSON = "application/json"
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})
_RETRY_STATUSES = frozenset({502, 503, 504})

__all__ = ["JSON", "ClientConfig", "Hook", "Params", "Reply", "Transport"]


@dataclass(frozen=True)
class ClientConfig:
    connect_timeout: float = 3.05
    read_timeout: float = 20.0
    deadline: float = 30.0  # overall per request, incl. retries, backoff and body download
    retries: int = 3  # extra attempts: at most 1 + retries requests
    backoff_base: float = 0.25
    backoff_cap: float = 4.0
    max_retry_after: float = 10.0
    user_agent: str = "bigv-panel/0.1"


class Transport:
    def __init__(
        self,
        *,
        base_url: str,
        config: ClientConfig,
        session: requests.Session | None,
        token: str | None = None,
        hooks: list[Hook] | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the base URL must start with http:// or https://")
        # No trailing slash: BC's auth client appends "/session" to whatever it is given and
        # so produces "//session" (docs/bigv-api.md §2).
        self.base_url = base_url.rstrip("/")
        self.config = config
        self.hooks: list[Hook] = hooks if hooks is not None else []
        self._token = token
        # Only the shared sessions get the deadline watchdog (see _watchdog.py); with a
        # caller's session the deadline is still checked between body chunks, and requests
        # reads the environment itself.
        self.session = session if session is not None else shared_session()
        self._environment = environment_for(self.base_url) if session is None else {}

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def _scrubbed(self, content: bytes) -> bytes:
        """An error body without this client's token: a server that quotes the caller's
        credential in its error must not pass it on into messages, logs and audit rows."""
        if not self._token:
            return content
        # The whole token first, then an API key's secret part quoted on its own.
        for secret in (self._token, self._token.removeprefix("apikey.")):
            if len(secret) >= 8:
                content = content.replace(secret.encode(), b"[redacted]")
        return content

    def close(self) -> None:
        """Nothing to release: a shared session's connections stay open for the thread's
        next client, and a caller's session is the caller's to close."""

    def call[T](
        self,
        method: str,
        path: str,
        parse: Callable[[Any], T],
        *,
        params: Params | None = None,
        body: Any = None,
        auth: bool = True,
        shown: str | None = None,
        retry: bool = True,
    ) -> T:
        """Request, decode the JSON body and ``parse`` it. Malformed JSON is never retried:
        it is a server bug, not a transient fault. The large answers' parsers are read
        straight from bytes (``_decode.py``), with the same result."""
        shown = shown or path
        reply = self.request(
            method, path, params=params, body=body, auth=auth, shown=shown, retry=retry
        )
        where = {"method": method, "path": shown}
        # isspace, not strip: no copy of a two-megabyte body to learn that it is not blank.
        if not reply.content or reply.content.isspace():
            raise InvalidResponse(f"{method} {shown}: empty response body", **where)
        typed = typed_parser(parse)
        if typed is not None:
            try:
                return typed(reply.content)
            except Refused:
                pass  # read below the reference way, whose error names what.key
        try:
            data = json.loads(reply.content)
        except ValueError as exc:
            message = f"{method} {shown}: response body is not valid JSON ({exc})"
            raise InvalidResponse(message, **where) from None
        try:
            return parse(data)
        except InvalidResponse as exc:
            message = f"{method} {shown}: unexpected response: {exc.message}"
            raise InvalidResponse(message, **where) from None

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        auth: bool = True,
        accept: str = JSON,
        shown: str | None = None,
        retry: bool = True,
    ) -> Reply:
        """One logical request with retries; returns a 2xx ``Reply`` or raises.

        ``shown`` is the path used in logs, hooks and errors (the auth client passes
        ``/session/<redacted>``); the query string is never logged.
        """
        shown = shown or path
        cfg = self.config
        deadline = time.monotonic() + cfg.deadline
        # Accept and Content-Type on every request, GETs included, like BC (§4.1).
        headers = {"Accept": accept, "Content-Type": JSON, "User-Agent": cfg.user_agent}
        if auth and self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        data = None if body is None else json.dumps(body).encode()
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline - time.monotonic()
            if remaining <= 0:  # only if a sleep overshot: retry delays leave time
                raise TimedOut(f"{method} {shown}: deadline passed", method=method, path=shown)
            try:
                reply = self._run(
                    Attempt(
                        session=self.session,
                        method=method,
                        url=self.base_url + path,
                        shown=shown,
                        secret_url=shown != path,
                        params=params,
                        data=data,
                        headers=headers,
                        timeout=(
                            min(cfg.connect_timeout, remaining),
                            min(cfg.read_timeout, remaining),
                        ),
                        deadline=deadline,
                        environment=self._environment,
                    )
                )
            except AttemptFailed as failed:
                delay = self._retry_delay(method, failed.kind, attempt, deadline, None, retry)
                if delay is None:
                    raise failed.error from failed.cause
                self._pause(method, shown, failed.error.message, delay)
                continue
            if 200 <= reply.status < 300:
                return reply
            if 300 <= reply.status < 400:
                # Never followed: requests would carry the token to another host only
                # partly stripped (docs/architecture.md, The client).
                message = f"{method} {shown}: unexpected redirect ({reply.status}), not followed"
                raise InvalidResponse(message, method=method, path=shown)
            error = error_from_response(
                reply.status,
                self._scrubbed(reply.content),
                reply.headers,
                method=method,
                path=shown,
            )
            retry_after = parse_retry_after(reply.headers.get("Retry-After"))
            delay = self._retry_delay(method, reply.status, attempt, deadline, retry_after, retry)
            if delay is None:
                raise error
            self._pause(method, shown, error.message, delay)

    def _run(self, attempt: Attempt) -> Reply:
        """One attempt, logged and reported to the hooks whatever its outcome."""
        started = time.monotonic()
        status: int | None = None
        try:
            reply = attempt.run()
            status = reply.status
            return reply
        except AttemptFailed as failed:
            status = failed.status
            raise
        finally:
            elapsed = time.monotonic() - started
            logger.debug("%s %s -> %s in %.3fs", attempt.method, attempt.shown, status, elapsed)
            for hook in list(self.hooks):
                try:
                    hook(attempt.method, attempt.shown, status)
                except Exception:
                    # A metrics hook must never turn a good API call into a failure.
                    logger.warning("on_request hook %r failed", hook, exc_info=True)

    def _retry_delay(
        self,
        method: str,
        why: Kind | int,
        attempt: int,
        deadline: float,
        retry_after: float | None,
        retry: bool = True,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to give up now (policy in the
        module docstring)."""
        cfg = self.config
        if not retry or method not in _IDEMPOTENT or attempt > cfg.retries:
            return None
        if isinstance(why, int):
            if why not in _RETRY_STATUSES:
                return None
        elif why == "truncated":
            if method != "GET" or attempt > 1:
                return None
        elif why not in ("connect", "read_timeout"):
            return None
        backoff = min(cfg.backoff_cap, cfg.backoff_base * 2 ** (attempt - 1))
        delay = random.uniform(backoff / 2, backoff)  # "equal jitter": spread, never ~0
        if retry_after is not None:
            # Honour it: retrying sooner than the server asked is pointless and rude. A
            # wait longer than max_retry_after is not worth blocking a page for, so give
            # up at once; the caller gets Unavailable.retry_after to show or schedule.
            if retry_after > cfg.max_retry_after:
                return None
            delay = max(delay, retry_after)
        needed = cfg.read_timeout if why == "read_timeout" else 0.0
        if deadline - time.monotonic() - delay <= needed:
            return None
        return delay

    def _pause(self, method: str, shown: str, reason: str, delay: float) -> None:
        logger.info("retrying %s %s in %.3fs after: %s", method, shown, delay, reason)
        time.sleep(delay)
