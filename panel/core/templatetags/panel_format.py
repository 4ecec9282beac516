"""Human units for the templates (the API speaks MiB, people read GiB and TiB), and BigV names
made safe to put into a URL."""

from __future__ import annotations

import re

from django import template

register = template.Library()


@register.filter
def mib(value: int | None) -> str:
    """2048 → "2 GiB", 25600 → "25 GiB", 512 → "512 MiB", 2097152 → "2 TiB"."""
    if value is None or value == "":
        return "—"
    amount = float(value)
    for unit in ("MiB", "GiB", "TiB"):
        if amount < 1024 or unit == "TiB":
            text = f"{amount:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        amount /= 1024
    raise AssertionError("unreachable")


@register.filter
def gib(value: int | None) -> str:
    """Memory in GiB with one decimal where needed (the VM table's column)."""
    if value is None or value == "":
        return "—"
    text = f"{float(value) / 1024:.1f}".rstrip("0").rstrip(".")
    return f"{text} GiB"


# BigV's own rule for account, group and VM names (a DNS label).
_NAME_SEGMENT = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@register.filter
def url_segment(name: str | None, object_id: int | None) -> str:
    """A BigV name as a URL path segment — or the object's id (BigV takes either) when the
    name is not a DNS label. Strings from the API are shown, never trusted for shape: a name
    with a "/" would otherwise break the whole page (reverse() fails) or point elsewhere."""
    if name and _NAME_SEGMENT.match(name):
        return name
    return str(object_id) if object_id is not None else (name or "")
