"""Secrets for settings: from the environment, or generated once for development.

A development machine must work with no set-up, so missing secrets are generated on first use
and kept in ``var/dev-secrets.json`` (outside version control). In production a missing secret
is a start-up error: silently generating one would lock out every stored credential on the
next restart.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# What .env.example says; starting production with it would publish the "secret".
PLACEHOLDERS = {"change-me", "changeme"}


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "")
    items = [item.strip() for item in raw.split(",") if item.strip()]
    return items or default


def dev_secret(name: str, var_dir: Path, *, production: bool, fernet: bool = False) -> str:
    value = os.environ.get(name)
    if value and production and value.strip().lower() in PLACEHOLDERS:
        raise ImproperlyConfigured(f"{name} is still {value!r}: generate a real secret")
    if value:
        return value
    if production:
        raise ImproperlyConfigured(f"{name} must be set when PANEL_ENV=production")
    path = var_dir / "dev-secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    if name not in stored:
        raw = secrets.token_bytes(32)
        stored[name] = (
            base64.urlsafe_b64encode(raw).decode() if fernet else secrets.token_urlsafe(48)
        )
        var_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stored, indent=2))
        tmp.chmod(0o600)
        tmp.replace(path)
    return stored[name]


def secret_list(name: str, var_dir: Path, *, production: bool, dev_name: str) -> list[str]:
    """Comma-separated Fernet keys, newest first; one generated key (kept under
    ``dev_name``) in development only."""
    values = env_list(name, default=[])
    if production:
        if not values:
            raise ImproperlyConfigured(f"{name} must be set when PANEL_ENV=production")
        if any(value.lower() in PLACEHOLDERS for value in values):
            raise ImproperlyConfigured(f"{name} is still a placeholder: generate real keys")
    return values or [dev_secret(dev_name, var_dir, production=False, fernet=True)]
