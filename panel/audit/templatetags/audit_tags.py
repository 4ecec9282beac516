"""Presentation helpers for audit pages: times, badges, labels, and inert control characters.

Audit rows hold strings exactly as the API or a user gave them — a VM name may contain
newlines, ANSI escapes or bidi overrides. Escaping makes them harmless to the browser;
``visible_controls`` also makes them *visible*, so a name cannot hide text or spoof another.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from panel.audit.actions import action_label as _action_label

register = template.Library()

_BIDI_AND_INVISIBLE = [
    *range(0x200B, 0x2010),  # zero-width space/joiners, LRM, RLM
    *range(0x2028, 0x202F),  # line/paragraph separators, bidi embeddings and overrides
    *range(0x2066, 0x206A),  # bidi isolates
    0xFEFF,  # zero-width no-break space
]


def _picture(code: int) -> str:
    if code == 0x0A:
        return "\u2424"  # ␤, as newline is drawn in most fonts' control pictures
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\u27e8U+{code:04X}\u27e9"  # C1 and invisible formatting: ⟨U+009B⟩


def _span(code: int) -> str:
    return f'<span class="audit-ctl" title="U+{code:04X}">{_picture(code)}</span>'


_CONTROL_CODES = [*range(0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_AND_INVISIBLE]
_HTML_TABLE = {code: _span(code) for code in _CONTROL_CODES}
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_BADGES = {
    "succeeded": "badge-on",
    "failed": "badge-deleted",
    "refused": "badge-deleted",
    "denied": "badge-deleted",
    "started": "badge-pending",
    "unknown": "badge-pending",
}


@register.filter(needs_autoescape=True)
def visible_controls(value: Any, autoescape: bool = True) -> SafeString:
    """Escape, then draw each control character as its Unicode control picture."""
    text = conditional_escape(value) if autoescape else str(value)
    return mark_safe(str(text).translate(_HTML_TABLE))  # noqa: S308  (escaped just above)


@register.filter
def utc_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@register.filter
def iso_time(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat() if value is not None else ""


@register.filter
def outcome_badge(value: str) -> str:
    return _BADGES.get(value, "badge-off")


@register.filter
def action_label(value: str) -> str:
    return _action_label(value)


@register.filter
def pretty_json(value: Any) -> str:
    """Indented JSON for <pre>; invisible/bidi characters become \\u escapes (still JSON)."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@register.filter
def folded_steps(step_counts: Mapping[str, int] | None, operation_id: str) -> int:
    """How many step entries are folded under this operation (0 outside folded listings)."""
    return int((step_counts or {}).get(operation_id, 0))
