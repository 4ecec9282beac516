"""Sealing: how the panel encrypts what it must read back later, in one place.

Stored BigV credentials, the password carried across a 2FA step, an operation's secrets and
the secrets riding on a confirmation page are all sealed here: a JSON object encrypted with
``cryptography``'s MultiFernet under ``settings.PANEL_CREDENTIAL_KEYS`` (Fernet keys, newest
first; never SECRET_KEY, so rotating the session key orphans nothing). MultiFernet encrypts
under the newest key and opens under any of them, which is what makes key rotation possible
without downtime (``manage.py rotate_credential_keys`` re-seals under the newest).

What a payload is bound to (a panel user, an operation) and what it is for is the caller's
business: each caller puts that into its payload and checks it after ``unseal``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class Unsealable(Exception):
    """No configured key opens the ciphertext: a key was removed, it expired, or it is not
    one of ours."""


def _keys() -> list[str]:
    keys = list(settings.PANEL_CREDENTIAL_KEYS)
    if not keys:
        raise Unsealable("PANEL_CREDENTIAL_KEYS is empty")
    return keys


def _multi() -> MultiFernet:
    # Built per call: settings may change (key rotation, tests), and Fernet() is cheap.
    return MultiFernet([Fernet(key) for key in _keys()])


def seal(payload: Mapping[str, Any]) -> str:
    return _multi().encrypt(json.dumps(payload, separators=(",", ":")).encode()).decode()


def unseal(ciphertext: str, *, ttl: int | None = None) -> dict[str, Any]:
    """The payload; ``ttl``: refuse a ciphertext sealed more than this many seconds ago."""
    try:
        raw = _multi().decrypt(ciphertext.encode(), ttl=ttl)
    except (InvalidToken, ValueError, TypeError) as error:
        raise Unsealable("no configured key opens this ciphertext") from error
    try:
        payload = json.loads(raw)
    except ValueError as error:
        raise Unsealable("the opened payload is not JSON") from error
    if not isinstance(payload, dict):
        raise Unsealable("the opened payload is not an object")
    return payload


def reseal(ciphertext: str) -> str:
    """The same payload sealed under the newest key."""
    try:
        return _multi().rotate(ciphertext.encode()).decode()
    except (InvalidToken, ValueError, TypeError) as error:
        raise Unsealable("no configured key opens this ciphertext") from error


def sealed_under_newest_key(ciphertext: str) -> bool:
    """True when the newest key alone opens the ciphertext (rotation leaves it alone)."""
    try:
        Fernet(_keys()[0]).decrypt(ciphertext.encode())
    except (InvalidToken, ValueError, TypeError):
        return False
    return True


# Every stored column sealed here, by model ("app_label.Model") → its field names: what
# ``manage.py rotate_credential_keys`` re-seals under the newest key, with what a person must
# do about a value no key opens any more. Each app names its own columns when it is ready
# (its AppConfig), so the command needs to know no app.
SEALED_COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {}


def register_sealed(model: str, *fields: str, lost: str) -> None:
    """``model``'s ``fields`` hold sealed values ("" for none); ``lost``: what someone must
    do when none of the configured keys opens one (e.g. "that person must reconnect")."""
    SEALED_COLUMNS[model] = (fields, lost)
