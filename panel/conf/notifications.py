"""Notifications: e-mail through Django's MAILERS, retries, webhooks."""

from __future__ import annotations

import os

from panel.conf.environment import PRODUCTION
from panel.core.settings_env import env_bool, env_int, env_networks

# --- Notifications (panel.notifications; docs/notifications.md) ------------------------------
# E-mail goes through Django's e-mail framework (its MAILERS): SMTP from the EMAIL_*
# variables in production or once EMAIL_HOST is given, otherwise printed by the worker (the
# console backend: `make run`). Tests get Django's in-memory backend.
_email_host = os.environ.get("EMAIL_HOST", "")
_smtp = {
    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "OPTIONS": {
        "host": _email_host or "localhost",
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    },
}
_console = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _smtp if PRODUCTION or _email_host else _console}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "BigV Panel <panel@localhost>")
# Where links in messages point (e.g. https://panel.example.com); `make run` sets its own.
PANEL_BASE_URL = os.environ.get("PANEL_BASE_URL", "")
# Tries per message, and the first wait between them (doubling, capped at an hour).
PANEL_NOTIFY_ATTEMPTS = env_int("PANEL_NOTIFY_ATTEMPTS", 6)
PANEL_NOTIFY_RETRY_SECONDS = float(os.environ.get("PANEL_NOTIFY_RETRY_SECONDS", "30"))
# Seconds a webhook receiver has to answer.
PANEL_WEBHOOK_TIMEOUT = float(os.environ.get("PANEL_WEBHOOK_TIMEOUT", "10"))
# In production webhooks reach public addresses only, and these private networks besides
# (comma-separated, e.g. "10.20.0.0/16"): see panel/bigv/outbound.py.
PANEL_WEBHOOK_PRIVATE_NETWORKS = env_networks("PANEL_WEBHOOK_PRIVATE_NETWORKS")
