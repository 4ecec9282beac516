"""The ``LOGGING`` setting: plain text for a developer's terminal, JSON lines in production.

Both go to stderr through the same two filters — the request id, then the redaction of
tokens — so a line is never written before its secrets are cut out, whatever the format.

JSON lines are python-json-logger's: one object per line with ``time``, ``level``,
``logger``, ``message`` and ``request_id``; request lines (``panel.request``) add ``method``,
``path``, ``status``, ``duration_ms`` and ``user_id``, and any other ``extra`` of a log call
is kept as well.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from panel.core.log_redaction import redact


def _json_value(value: object) -> str:
    # Objects in ``extra`` (Django logs the request itself) are printed, then redacted: the
    # filter before the formatter only rewrote the string fields.
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds")
    return redact(str(value))


class _RedactingJsonFormatter(JsonFormatter):
    # python-json-logger formats the traceback itself (from exc_info, not the exc_text the
    # redaction filter already cleaned), so it is redacted once more here.
    # (exc_info_as_array is off: python-json-logger returns one string.)
    def formatException(self, ei: Any) -> str:
        return redact(str(super().formatException(ei)))

    def formatStack(self, stack_info: str) -> str:
        return redact(str(super().formatStack(stack_info)))


def json_formatter() -> logging.Formatter:
    return _RedactingJsonFormatter(
        "%(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={
            "levelname": "level",
            "name": "logger",
            "exc_info": "exception",
            "stack_info": "stack",
        },
        defaults={"request_id": "-"},
        timestamp="time",
        json_default=_json_value,
        json_ensure_ascii=False,
    )


def logging_config(*, json_lines: bool, level: str, levels: str = "") -> dict[str, Any]:
    """``levels``: "logger=LEVEL,…" for single loggers (overrides the defaults below)."""
    loggers: dict[str, dict[str, str]] = {
        # urllib3 logs full URLs at DEBUG, and the auth service carries tokens in URLs
        # (redaction would cut them out, but they need not be produced at all).
        "urllib3": {"level": "WARNING"},
        # One line per request comes from panel.request; Django's own 4xx warnings would
        # say the same again.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    }
    for item in levels.split(","):
        name, _, value = item.partition("=")
        if name.strip() and value.strip():
            loggers[name.strip()] = {"level": value.strip().upper()}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "panel.core.request_id.RequestIdLogFilter"},
            "redact": {"()": "panel.core.log_redaction.RedactSecretsFilter"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "panel.core.logging_config.json_formatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_lines else "plain",
                "filters": ["request_id", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": loggers,
    }
