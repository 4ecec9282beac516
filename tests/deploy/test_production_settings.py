"""Production settings, selected by PANEL_ENV=production: check --deploy is clean, and the
protections docs/architecture.md, People, credentials and audit requires are on."""

from __future__ import annotations

import json

from tests.deploy.production import run

DUMP = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in %r}, default=str))
"""
NAMES = [
    "DEBUG",
    "SECURE_CSP",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_AGE",
    "PANEL_SESSION_IDLE_SECONDS",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "STORAGES",
    "BIGV_ALLOWED_HOSTS",
    "LOGGING",
]


def _settings(**overrides: str) -> dict:
    result = run(["-c", DUMP % (NAMES,)], DJANGO_SETTINGS_MODULE="panel.settings", **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_passes_at_warning_level() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings() -> None:
    s = _settings()
    assert s["DEBUG"] is False
    script_src = " ".join(s["SECURE_CSP"]["script-src"])
    style_src = " ".join(s["SECURE_CSP"]["style-src"])
    assert "NONCE" in script_src and "unsafe-inline" not in script_src
    assert "unsafe-inline" not in style_src and "unsafe-eval" not in script_src
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_SAMESITE"] == s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_SSL_REDIRECT"]
    assert 0 < s["PANEL_SESSION_IDLE_SECONDS"] <= s["SESSION_COOKIE_AGE"]
    assert s["ALLOWED_HOSTS"] == ["panel.example.com"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://panel.example.com"]
    assert s["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert s["BIGV_ALLOWED_HOSTS"] == ["uk0.bigv.io", "auth.bytemark.co.uk"]
    assert s["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert "redact" in s["LOGGING"]["handlers"]["console"]["filters"]


def test_production_refuses_to_start_without_its_settings() -> None:
    for name in ("DJANGO_ALLOWED_HOSTS", "DJANGO_SECRET_KEY", "PANEL_CREDENTIAL_KEYS"):
        result = run(["manage.py", "check"], **{name: ""})
        assert result.returncode != 0
        assert f"{name} must be set" in result.stderr


def test_production_refuses_a_loopback_bigv() -> None:
    result = run(["manage.py", "check"], BIGV_API_URL="http://127.0.0.1:8765")
    assert result.returncode != 0
    assert "loopback address" in result.stderr


def test_whitenoise_serves_the_collected_files_in_production(tmp_path) -> None:
    static_root = tmp_path / "static"
    result = run(["manage.py", "collectstatic", "--noinput"], DJANGO_STATIC_ROOT=str(static_root))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/panel.css"]
    assert hashed != "css/panel.css" and (static_root / f"{hashed}.gz").exists()
