"""Encryption of BigV tokens at rest, and of the password carried across the 2FA step.

Keys are ``settings.PANEL_CREDENTIAL_KEYS`` (Fernet keys, newest first) — never SECRET_KEY,
so that rotating the session key does not orphan stored credentials (design.md §7).
MultiFernet encrypts under the newest key and decrypts under any of them, which is what
makes rotation possible without downtime.

Every payload names the panel user it belongs to (``"u"``): a ciphertext copied onto another
user's row (or a 2FA form replayed by another user) decrypts but is refused as a mismatch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# The password step of a 2FA login may wait this long for the code, then starts again.
PENDING_LOGIN_TTL = 300


class CredentialError(Exception):
    """A stored or carried secret cannot be used; the user has to connect again."""


class CredentialUndecryptable(CredentialError):
    """No configured key opens the ciphertext (key removed, or the data is corrupt/expired)."""


class CredentialMismatch(CredentialError):
    """The ciphertext opens but was made for another panel user (or another purpose)."""


def _keys() -> list[str]:
    keys = list(settings.PANEL_CREDENTIAL_KEYS)
    if not keys:
        raise CredentialUndecryptable("PANEL_CREDENTIAL_KEYS is empty")
    return keys


def _multi() -> MultiFernet:
    # Built per call: settings may change (key rotation, tests), and Fernet() is cheap.
    return MultiFernet([Fernet(key) for key in _keys()])


def _seal(payload: dict[str, Any]) -> str:
    return _multi().encrypt(json.dumps(payload, separators=(",", ":")).encode()).decode()


def _open(ciphertext: str, *, ttl: int | None = None) -> dict[str, Any]:
    try:
        raw = _multi().decrypt(ciphertext.encode(), ttl=ttl)
    except (InvalidToken, ValueError, TypeError) as error:
        raise CredentialUndecryptable("no configured key opens this ciphertext") from error
    try:
        payload = json.loads(raw)
    except ValueError as error:
        raise CredentialUndecryptable("the decrypted payload is not JSON") from error
    if not isinstance(payload, dict):
        raise CredentialUndecryptable("the decrypted payload is not an object")
    return payload


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
    try:
        Fernet(_keys()[0]).decrypt(ciphertext.encode())
    except (InvalidToken, ValueError, TypeError):
        return False
    return True


def reencrypt(ciphertext: str) -> str:
    """Re-encrypt under the newest key (raises ``CredentialUndecryptable`` if no key opens it)."""
    try:
        return _multi().rotate(ciphertext.encode()).decode()
    except (InvalidToken, ValueError, TypeError) as error:
        raise CredentialUndecryptable("no configured key opens this ciphertext") from error


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
