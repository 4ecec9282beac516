"""Checked reads from decoded JSON, so a wrong shape becomes ``InvalidResponse``.

The parsers in ``types.py`` ignore unknown keys (the brain adds fields over time, and clients
must tolerate them: docs/bigv-api.md §6) but refuse a known key of the wrong type:
a typed client that silently hands ``"2"`` on as ``cores`` would only move the crash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import InvalidResponse

_MISSING: Any = object()


def as_object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidResponse(f"expected a JSON object for {what}, got {type(data).__name__}")
    return data


def as_list(data: Any, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise InvalidResponse(f"expected a JSON array for {what}, got {type(data).__name__}")
    return data


@dataclass(frozen=True, slots=True)
class ListOf[T]:
    """A parser for a JSON array whose items ``item`` reads. A value rather than a closure, so
    the transport can see which items it reads and decode the body straight into them
    (``_decode.py``)."""

    item: Callable[[Any], T]
    what: str

    def __call__(self, data: Any) -> list[T]:
        parse = self.item
        return [parse(item) for item in as_list(data, self.what)]


def list_of[T](parse: Callable[[Any], T], what: str) -> ListOf[T]:
    """A parser for a JSON array whose items ``parse`` reads."""
    return ListOf(parse, what)


class Reader:
    """Typed accessors over one JSON object; errors name ``what.key``."""

    __slots__ = ("data", "what")

    def __init__(self, data: Any, what: str) -> None:
        self.data = as_object(data, what)
        self.what = what

    # A group of 500 VMs is some 20,000 of these reads on every page that lists it, so the
    # common case (the exact type ``json.loads`` makes) returns before any other test.
    def _get(self, key: str, kind: type, default: Any) -> Any:
        value = self.data.get(key)
        if type(value) is kind:
            return value
        if value is None:  # missing or null
            if default is _MISSING:
                raise InvalidResponse(f"{self.what}.{key} is missing")
            return default
        # bool is an int subclass in Python, but JSON true is never a valid number.
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise InvalidResponse(
                f"{self.what}.{key}: expected {kind.__name__}, got {type(value).__name__}"
            )
        return value

    def integer(self, key: str) -> int:
        return self._get(key, int, _MISSING)

    def opt_integer(self, key: str) -> int | None:
        return self._get(key, int, None)

    def text(self, key: str) -> str:
        return self._get(key, str, _MISSING)

    def text_or(self, key: str, default: str) -> str:
        return self._get(key, str, default)

    def opt_text(self, key: str) -> str | None:
        return self._get(key, str, None)

    def flag(self, key: str, default: bool = False) -> bool:
        return self._get(key, bool, default)

    def texts(self, key: str) -> tuple[str, ...]:
        items = self._get(key, list, [])
        if not all(isinstance(item, str) for item in items):
            raise InvalidResponse(f"{self.what}.{key}: expected an array of strings")
        return tuple(items)

    def text_map(self, key: str) -> dict[str, str]:
        mapping = self._get(key, dict, {})
        if not all(isinstance(v, str) for v in mapping.values()):
            raise InvalidResponse(f"{self.what}.{key}: expected an object of strings")
        return dict(mapping)

    def objects[T](self, key: str, parse: Callable[[Any], T]) -> tuple[T, ...]:
        return tuple(parse(item) for item in self._get(key, list, []))
