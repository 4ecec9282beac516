"""Template helpers for the VM page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import template

register = template.Library()

_HTTP_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)


@register.filter
def is_http_url(value: object) -> bool:
    """True only for http(s) URLs with a host: anything else from the API (``javascript:``,
    ``data:``, relative paths) is shown as text, never as a link."""
    # The raw value must itself start with the scheme (no whitespace or control characters
    # anywhere): browsers forgive things urlsplit does not see, so be stricter than both.
    if not isinstance(value, str) or not _HTTP_URL.match(value):
        return False
    try:
        return bool(urlsplit(value).netloc)
    except ValueError:
        return False


@register.filter
def dom_id(value: object) -> str:
    """An address such as ``2001:db8::1`` or ``192.0.2.1`` as a safe DOM id fragment."""
    return re.sub(r"[^0-9A-Za-z]", "-", str(value))
