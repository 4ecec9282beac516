"""Run manage.py (or Python) in a child process with the production environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "PANEL_ENV": "production",
    "DJANGO_SECRET_KEY": "prod-like-secret-key-for-tests-only-2c9f0d8e7b6a5f4e3d2c1b0a9f8e7d6c",
    "PANEL_CREDENTIAL_KEYS": "dGVzdC1jcmVkZW50aWFsLWtleS0wMTIzNDU2Nzg5YWI=",
    "PANEL_AUDIT_KEY": "prod-like-audit-key-for-tests-only-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "panel.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://panel.example.com",
    "BIGV_API_URL": "https://uk0.bigv.io",
    "BIGV_AUTH_URL": "https://auth.bytemark.co.uk",
    "DATABASE_URL": "postgres://panel:pw@db.invalid:5432/panel",
    "REDIS_URL": "redis://redis.invalid:6379/0",
}


def run(args: list[str], **overrides: str) -> subprocess.CompletedProcess[str]:
    # The developer's own settings must not leak in: only what production would have.
    keep = ("PATH", "HOME", "LANG", "PANEL_VAR_DIR", "PYTHONPATH")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(PRODUCTION_ENV)
    env.update(overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
