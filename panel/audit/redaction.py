"""Secrets never reach an audit row; everything else is made JSON-safe and hash-stable.

Two jobs, done in one recursive walk before anything is stored or hashed:

* Redaction. Keys that name a secret (``password``, ``token``, ``ssh_public_key`` …) lose
  their whole value, whatever its type; strings that are BigV API keys (``apikey.…``) or equal
  a value the caller hinted via ``secrets=`` are replaced; hinted secrets, API keys and
  ``Bearer`` tokens embedded in free text (an API error message) are cut out of it.
* Normalisation. The chain hashes the values it stores and re-hashes what it reads back, so
  the stored form must survive a database round trip unchanged: tuples become lists,
  integral floats become ints (PostgreSQL's jsonb prints ``1e+20`` back as an integer), NUL
  (which PostgreSQL text cannot hold) becomes a visible ␀, lone surrogates become U+FFFD,
  and anything unusual (datetimes, dataclasses, bytes) becomes plain JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import msgspec

REDACTED = "[redacted]"

_SECRET_KEY = re.compile(
    r"password|passwd|secret|token|api_key|apikey|root_password|ssh_public_key"
    r"|firstboot_script|otp|2fa|yubikey|authorization|cookie|credential",
    re.IGNORECASE,
)
_API_KEY_IN_TEXT = re.compile(r"apikey\.[^\s\"'<>,;]+", re.IGNORECASE)
_BEARER_IN_TEXT = re.compile(r"\b(bearer)\s+[^\s\"'<>,;]+", re.IGNORECASE)
# Substring scrubbing of hinted secrets only for values long enough not to shred ordinary
# text (a 3-character "secret" would be cut out of every word containing it); shorter hinted
# values are still redacted wherever a whole value equals them.
_MIN_EMBEDDED_SECRET = 6
_MAX_DEPTH = 32

type JSONValue = bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None


def is_secret_key(key: str) -> bool:
    return _SECRET_KEY.search(key) is not None


def clean_text(value: str) -> str:
    """Make a string storable everywhere: NUL → ␀, lone surrogates → U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "\u2400")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


class Redactor:
    """Redacts with the secrets one ``record()`` call hinted, on top of the fixed rules."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        hinted = {s for s in secrets if isinstance(s, str) and s}
        self._exact = frozenset(hinted)
        # Longest first, so that a secret containing another is removed whole.
        self._embedded = sorted(
            (s for s in hinted if len(s) >= _MIN_EMBEDDED_SECRET), key=len, reverse=True
        )

    def text(self, value: str) -> str:
        if value in self._exact or value[:7].lower() == "apikey.":
            return REDACTED
        for secret in self._embedded:
            if secret in value:
                value = value.replace(secret, REDACTED)
        if "apikey." in value.lower():
            value = _API_KEY_IN_TEXT.sub(REDACTED, value)
        if "bearer" in value.lower():
            value = _BEARER_IN_TEXT.sub(rf"\1 {REDACTED}", value)
        return clean_text(value)

    def mapping(self, value: Mapping[str, Any] | None) -> dict[str, JSONValue] | None:
        if value is None:
            return None
        result = self.value(dict(value))
        assert isinstance(result, dict)
        return result

    def value(self, value: Any, depth: int = 0) -> JSONValue:
        if depth > _MAX_DEPTH:
            return "[too deep]"
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, Enum):
            return self.value(value.value, depth + 1)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                return str(value)
            return int(value) if value.is_integer() else value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {
                self.text(str(k)): REDACTED if is_secret_key(str(k)) else self.value(v, depth + 1)
                for k, v in value.items()
            }
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self.value(dataclasses.asdict(value), depth + 1)
        if isinstance(value, msgspec.Struct):  # the BigV client's values (panel.bigv.types)
            return self.value(msgspec.structs.asdict(value), depth + 1)
        if isinstance(value, list | tuple):
            return [self.value(v, depth + 1) for v in value]
        if isinstance(value, set | frozenset):
            # Sorted so that the same set always hashes the same way.
            return sorted((self.value(v, depth + 1) for v in value), key=repr)
        if isinstance(value, bytes | bytearray | memoryview):
            return f"[{len(value)} bytes]"  # raw bytes may be key material: never stored
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, Decimal):
            return self.value(float(value), depth + 1) if value.is_finite() else str(value)
        if isinstance(value, UUID):
            return str(value)
        return self.text(str(value))
