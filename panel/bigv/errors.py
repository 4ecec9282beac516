"""The client's one error tree (docs/bigv-api.md §5.6).

Every error says by its type what happened, so no code outside ``panel.bigv`` needs to look
at an HTTP status: ``BadRequest`` (refused: bad values or a state rule), ``Unauthorized``,
``Forbidden``, ``NotFound``, ``UnexpectedStatus`` (a status BigV never sends),
``ServerError``, ``Unavailable``, and for requests that got no usable answer
``ConnectionFailed``, ``TimedOut`` and ``InvalidResponse``. ``is_refusal`` is true when BigV
answered with a 4xx: it refused the request and nothing changed.

Every error carries a human ``message`` (what ``str()`` returns). Messages and reprs are
built from the method, a display path and the response body only — never from request
headers or the raw URL — so they can never contain a token (docs/architecture.md, The client).
"""

from __future__ import annotations


class BigVError(Exception):
    """Base of everything ``panel.bigv`` raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    @property
    def is_refusal(self) -> bool:
        """True when BigV answered that it refused the request (any 4xx), so nothing changed.

        False for server errors and for requests that got no usable answer: those may or may
        not have been applied."""
        return False


# --- transport: no usable HTTP response -------------------------------------------------


class TransportError(BigVError):
    """The request got no usable answer; ``method``/``path`` say which request."""

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class ConnectionFailed(TransportError):
    """Could not connect, or the connection was reset/closed before a response."""


class TimedOut(TransportError):
    """A connect/read timeout or the overall per-request deadline passed."""


class InvalidResponse(TransportError):
    """Truncated body, malformed or unexpected JSON, or an unexpected redirect."""


# --- API: the server answered with an error status --------------------------------------


class ApiError(BigVError):
    """An HTTP error status. ``body`` is the response body as text (may be empty).

    ``status`` is kept for the audit trail; decide on the subclass or ``is_refusal``."""

    def __init__(
        self, status: int, message: str, body: str = "", *, method: str = "", path: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.method = method
        self.path = path

    def __repr__(self) -> str:
        where = f" {self.method} {self.path}" if self.method else ""
        return f"{type(self).__name__}(status={self.status}{where}, message={self.message!r})"

    @property
    def is_refusal(self) -> bool:
        return 400 <= self.status < 500


class BadRequest(ApiError):
    """400: bad values, or a change the VM's state does not allow (docs/bigv-api.md §5.3).

    ``field_errors`` is ``{attr: [messages]}``; ``disc_errors`` has one ``{attr: [messages]}``
    per submitted disc (vm_create), aligned by position. A plain-text refusal leaves both
    empty and is the ``message``."""

    def __init__(
        self,
        status: int,
        message: str,
        body: str = "",
        *,
        field_errors: dict[str, list[str]] | None = None,
        disc_errors: list[dict[str, list[str]]] | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        super().__init__(status, message, body, method=method, path=path)
        self.field_errors: dict[str, list[str]] = field_errors or {}
        self.disc_errors: list[dict[str, list[str]]] = disc_errors or []


class Unauthorized(ApiError):
    """401: no, invalid or expired token (or, from the auth service, rejected login)."""


class Forbidden(ApiError):
    """403: the caller may read the object but not change it."""


class NotFound(ApiError):
    """404: no such object, or the caller may not even read it (docs/bigv-api.md §5.2)."""


class UnexpectedStatus(ApiError):
    """A status BigV never sends (409, 422, 418 …; docs/bigv-api.md §5.2): probably
    something between the panel and BigV. Not retried; a 4xx still counts as a refusal."""


class ServerError(ApiError):
    """500, or 502/504 once retries are exhausted."""


class Unavailable(ApiError):
    """503. ``retry_after`` is the server's Retry-After in seconds, when it sent one."""

    def __init__(
        self,
        status: int,
        message: str,
        body: str = "",
        *,
        retry_after: float | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        super().__init__(status, message, body, method=method, path=path)
        self.retry_after = retry_after


# --- auth service (docs/bigv-api.md §3.4: text/plain failure bodies) --------------------


class AuthError(ApiError):
    """The auth service refused to create a session."""


class BadCredentials(AuthError, Unauthorized):
    """Wrong username/password, or "Badly-formed parameters" (then ``status`` is 400)."""


class SecondFactorRequired(AuthError, Unauthorized):
    """ "Missing 2FA": ask for a one-time code and call again with ``second_factor``."""


class SecondFactorRejected(AuthError, Unauthorized):
    """A second factor was sent and the service refused it ("Authentication failed")."""
