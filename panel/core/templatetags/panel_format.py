"""Human units for the templates (the API speaks MiB, people read GiB and TiB), and BigV names
made safe to put into a URL."""

from __future__ import annotations

from django import template

from panel.core.names import segment

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


@register.filter
def url_segment(name: str | None, object_id: int | None) -> str:
    """A BigV name as a URL path segment, or the object's id (``panel.core.names.segment``)."""
    return segment(name, object_id)
