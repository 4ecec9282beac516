"""No token in any log line: a filter on every handler cuts them out.

What is cut out:

* BigV API keys (``apikey.…``) and ``Bearer …`` values wherever they appear;
* Fernet ciphertexts (``gAAAAA…``): the stored form of every credential, useless without the
  key but still not log material;
* the auth service's session token in a URL (``/session/<token>``);
* ``password=…``, ``"token": "…"`` and the like, whatever the quoting;
* every token this process has handled (``remember_secret``): BigV session tokens are
  opaque, so no pattern can recognise them — the places that decrypt or store one register
  it, and from then on it is cut out of every line by value.

The filter rewrites the record's message (arguments merged in), its pre-formatted traceback
and any string ``extra`` fields, so whichever formatter runs next sees only redacted text.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict

REDACTED = "[redacted]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"apikey\.[^\s\"'<>,;&)}\]]+", re.IGNORECASE), REDACTED),
    (re.compile(r"\b(bearer)\s+[^\s\"'<>,;&)}\]]+", re.IGNORECASE), rf"\1 {REDACTED}"),
    (re.compile(r"gAAAAA[A-Za-z0-9_\-=]{20,}"), REDACTED),
    (re.compile(r"(/session/)(?!\[redacted\]|<redacted>)[^/\s\"'?#<>]{6,}"), rf"\1{REDACTED}"),
    (
        re.compile(
            r"((?:password|passwd|secret|token|api_key|apikey|authorization|sessionid|csrftoken"
            r"|root_password|ssh_public_key|firstboot_script)[\"']?\s*[:=]\s*[\"']?)"
            r"(?!\[redacted\])[^\s\"'&,;}]+",
            re.IGNORECASE,
        ),
        rf"\1{REDACTED}",
    ),
)

# Short values would shred ordinary words; every real token is far longer than this.
_MIN_REMEMBERED = 12
_MAX_REMEMBERED = 512
_remembered: OrderedDict[str, None] = OrderedDict()
_lock = threading.Lock()
# Standard LogRecord attributes: everything else on a record came in through ``extra``.
STANDARD_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def remember_secret(value: str | None) -> None:
    """Cut ``value`` out of every later log line of this process (most recent 512 kept)."""
    if not value or len(value) < _MIN_REMEMBERED:
        return
    with _lock:
        _remembered[value] = None
        _remembered.move_to_end(value)
        while len(_remembered) > _MAX_REMEMBERED:
            _remembered.popitem(last=False)


def redact(text: str) -> str:
    with _lock:
        known = list(_remembered)
    for secret in sorted(known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw text rather than drop it
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in STANDARD_RECORD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, redact(value))
        return True
