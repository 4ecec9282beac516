"""The ``LOGGING`` setting: plain text for a developer's terminal, JSON lines in production.

Both go to stderr through the same two filters — the request id, then the redaction of
tokens — so a line is never written before its secrets are cut out, whatever the format.
"""

from __future__ import annotations

from typing import Any


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
            "json": {"()": "panel.core.log_json.JsonFormatter"},
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
