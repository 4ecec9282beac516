"""The auth service: sessions (docs/bigv-api.md §3.1-§3.4) and API-key tokens (§3.5)."""

from __future__ import annotations

from typing import Any

import requests

from ._base import Closing, seg
from .errors import (
    ApiError,
    BadCredentials,
    InvalidResponse,
    NotFound,
    SecondFactorRejected,
    SecondFactorRequired,
    Unauthorized,
)
from .transport import ClientConfig, Transport
from .types import SessionInfo

_API_KEY_PREFIX = "apikey."

# Failure bodies BC string-matches (BC:authenticator.go tryCredentials); the auth service
# answers them as text/plain 400/401 (docs/bigv-api.md §3.4).
_MISSING_2FA = "Missing 2FA"
_REJECTED = ("Bad login credentials", "Authentication failed", "Badly-formed parameters")
_WRONG_CODE = "Authentication failed"  # a wrong second-factor code (§3.3)


class Credentials:
    """Helpers for API-key tokens: ``Authorization: Bearer apikey.<key>`` (§3.5)."""

    @staticmethod
    def api_key(key: str) -> str:
        key = key.strip()
        if not key:
            raise ValueError("empty API key")
        return key if key.startswith(_API_KEY_PREFIX) else _API_KEY_PREFIX + key


class AuthClient(Closing):
    """Creates and reads sessions on the auth service. It sends no Authorization header;
    the session token travels in the URL of ``GET /session/{token}``, so that path is
    shown as ``/session/<redacted>`` in logs, hooks and errors."""

    def __init__(
        self,
        *,
        auth_url: str,
        config: ClientConfig = ClientConfig(),  # noqa: B008 - frozen, so sharing is safe
        session: requests.Session | None = None,
    ) -> None:
        self._transport = Transport(base_url=auth_url, config=config, session=session)

    def __repr__(self) -> str:
        return f"AuthClient(auth_url={self._transport.base_url!r})"

    def create_session(
        self,
        *,
        username: str,
        password: str,
        yubikey: str | None = None,
        second_factor: str | None = None,
        validity: int = 1800,
    ) -> str:
        """Log in and return the session token.

        Raises ``SecondFactorRequired`` ("Missing 2FA": ask for a code, call again with
        ``second_factor``), ``SecondFactorRejected`` (a code was sent and refused) or
        ``BadCredentials``. Never retried (POST).
        """
        # Keys and the string validity exactly as BC sends them ([OBS]).
        body: dict[str, Any] = {
            "username": username,
            "password": password,
            "validity": str(validity),
        }
        if yubikey:
            body["yubikey"] = yubikey
        if second_factor:
            body["2fa"] = second_factor
        try:
            reply = self._transport.request("POST", "/session", body=body, accept="text/plain")
        except ApiError as exc:
            raise _login_error(exc, sent_factor=bool(yubikey or second_factor)) from None
        token = reply.content.decode("utf-8", errors="replace").strip()
        if not token or any(ch.isspace() for ch in token):
            raise InvalidResponse(
                "POST /session: the auth service returned no usable token",
                method="POST",
                path="/session",
            )
        return token

    def session(self, token: str) -> SessionInfo:
        """Validate ``token`` (each call also extends it by 5 minutes, §3.2)."""
        shown = "/session/<redacted>"
        try:
            return self._transport.call(
                "GET", f"/session/{seg(token)}", SessionInfo.from_json, auth=False, shown=shown
            )
        except NotFound as exc:
            # from None: nothing of the original request may travel with the error.
            raise Unauthorized(
                exc.status, "session expired or unknown", exc.body, method="GET", path=shown
            ) from None


def _login_error(exc: ApiError, *, sent_factor: bool) -> ApiError:
    """Turn the auth service's plain-text refusals into the AuthError family."""
    if exc.status not in (400, 401, 403):
        return exc
    text = exc.body.strip()
    where = {"method": exc.method, "path": exc.path}
    if _MISSING_2FA in text:
        return SecondFactorRequired(exc.status, "a second factor is required", exc.body, **where)
    if sent_factor and _WRONG_CODE in text:
        return SecondFactorRejected(
            exc.status, "the second-factor code was not accepted", exc.body, **where
        )
    if any(phrase in text for phrase in _REJECTED):
        return BadCredentials(exc.status, f"login refused: {text}", exc.body, **where)
    return exc
