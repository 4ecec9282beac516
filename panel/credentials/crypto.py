"""Encryption of BigV tokens at rest, and of the password carried across the 2FA step.

Sealed with ``panel.core.sealing`` (MultiFernet under ``PANEL_CREDENTIAL_KEYS``, never
SECRET_KEY, so rotating the session key does not orphan stored credentials).

Every payload names the panel user it belongs to (``"u"``): a ciphertext copied onto another
user's row (or a 2FA form replayed by another user) decrypts but is refused as a mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panel.core import sealing

# The password step of a 2FA login may wait this long for the code, then starts again.
PENDING_LOGIN_TTL = 300


class CredentialError(Exception):
    """A stored or carried secret cannot be used; the user has to connect again."""


class CredentialUndecryptable(CredentialError):
    """No configured key opens the ciphertext (key removed, or the data is corrupt/expired)."""


class CredentialMismatch(CredentialError):
    """The ciphertext opens but was made for another panel user (or another purpose)."""


def _seal(payload: dict[str, Any]) -> str:
    return sealing.seal(payload)


def _open(ciphertext: str, *, ttl: int | None = None) -> dict[str, Any]:
    try:
        return sealing.unseal(ciphertext, ttl=ttl)
    except sealing.Unsealable as error:
        raise CredentialUndecryptable(str(error)) from error


# --- stored credentials ------------------------------------------------------------------


def encrypt_token(*, user_id: int, token: str) -> str:
    return _seal({"u": user_id, "t": token})


def decrypt_token(*, user_id: int, ciphertext: str) -> str:
    payload = _open(ciphertext)
    token = payload.get("t")
    # "p" marks a pending-login payload: it must never pass for a stored token.
    if payload.get("u") != user_id or "p" in payload or not isinstance(token, str):
        raise CredentialMismatch("this credential belongs to another panel user")
    return token


def is_under_newest_key(ciphertext: str) -> bool:
    """True when the newest key alone opens the ciphertext (rotation leaves it alone)."""
    return sealing.sealed_under_newest_key(ciphertext)


def reencrypt(ciphertext: str) -> str:
    """Re-encrypt under the newest key (raises ``CredentialUndecryptable`` if no key opens it)."""
    try:
        return sealing.reseal(ciphertext)
    except sealing.Unsealable as error:
        raise CredentialUndecryptable(str(error)) from error


# --- the password carried across the 2FA step ---------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingLogin:
    username: str
    password: str
    yubikey: str

    def __repr__(self) -> str:  # never let a traceback or log line show the password
        return f"PendingLogin(username={self.username!r}, password='***')"


def seal_pending_login(*, user_id: int, username: str, password: str, yubikey: str = "") -> str:
    """Encrypt the first step of a 2FA login for a hidden form field.

    Nothing is stored server-side; the browser holds only this ciphertext, which expires
    after ``PENDING_LOGIN_TTL`` seconds and opens only for the same panel user.
    """
    return _seal({"u": user_id, "n": username, "p": password, "y": yubikey})


def open_pending_login(*, user_id: int, ciphertext: str) -> PendingLogin:
    payload = _open(ciphertext, ttl=PENDING_LOGIN_TTL)
    username, password = payload.get("n"), payload.get("p")
    if (
        payload.get("u") != user_id
        or not isinstance(username, str)
        or not isinstance(password, str)
    ):
        raise CredentialMismatch("this login step belongs to another panel user")
    return PendingLogin(username=username, password=password, yubikey=str(payload.get("y") or ""))
