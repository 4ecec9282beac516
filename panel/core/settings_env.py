"""Typed reads of environment variables for ``panel/settings.py`` and its parts (``panel/conf/``).

A typo in a boolean (``DJANGO_SECURE_SSL_REDIRECT=ture``) must stop the start-up rather than
silently turn a protection off, so anything that is not clearly true or false is an error.
"""

from __future__ import annotations

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0 (or true/false), not {raw!r}")


def env_networks(name: str) -> tuple[str, ...]:
    """A comma-separated list of IP networks ("10.20.0.0/16, fd00:1::/64"), each checked."""
    found = []
    for item in (part.strip() for part in os.environ.get(name, "").split(",")):
        if item:
            try:
                found.append(str(ipaddress.ip_network(item, strict=False)))
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name}: {item!r} is not a network (e.g. 10.20.0.0/16)"
                ) from None
    return tuple(found)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
