"""BIGV_API_URL / BIGV_AUTH_URL are checked at start-up: https, approved hosts, no loopback in
production (the simulator's http is allowed only in the demo)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from panel.core.checks import check_bigv_urls, enforce_at_startup, url_problems

REPO = Path(__file__).resolve().parents[2]
REAL = ["uk0.bigv.io", "auth.bytemark.co.uk"]


def _problems(url: str, *, production: bool = True, demo: bool = False, hosts=REAL) -> list[str]:
    return url_problems("BIGV_API_URL", url, allowed_hosts=hosts, production=production, demo=demo)


def test_the_real_bigv_over_https_is_fine() -> None:
    assert _problems("https://uk0.bigv.io") == []
    assert _problems("https://auth.bytemark.co.uk/") == []
    assert _problems("https://UK0.bigv.io:443") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://uk0.bigv.io", "must use https"),
        ("https://evil.example", "not in BIGV_ALLOWED_HOSTS"),
        ("https://uk0.bigv.io.evil.example", "not in BIGV_ALLOWED_HOSTS"),
        ("https://user:pw@uk0.bigv.io", "user name or password"),
        ("https://uk0.bigv.io/?x=1", "query string"),
        ("ftp://uk0.bigv.io", "absolute http(s) URL"),
        ("uk0.bigv.io", "absolute http(s) URL"),
        ("http://127.0.0.1:8765", "loopback address"),
        ("http://localhost:8765", "loopback address"),
        ("http://[::1]:8765", "loopback address"),
    ],
)
def test_production_refuses(url: str, expected: str) -> None:
    problems = _problems(url)
    assert problems and any(expected in p for p in problems), problems


def test_loopback_is_the_simulator_outside_production() -> None:
    assert _problems("http://127.0.0.1:8765", production=False) == []
    # Not any host over http, though.
    assert "must use https" in _problems("http://uk0.bigv.io", production=False)[0]


def test_the_demo_allows_http_to_an_approved_host_only() -> None:
    hosts = [*REAL, "simulator"]
    assert _problems("http://simulator:8765", demo=True, hosts=hosts) == []
    assert _problems("http://elsewhere:8765", demo=True, hosts=hosts)


def test_the_system_check_reports_both_urls(settings) -> None:
    settings.PRODUCTION = True
    settings.BIGV_API_URL = "http://api.example"
    settings.BIGV_AUTH_URL = "https://auth.bytemark.co.uk"
    messages = check_bigv_urls()
    assert [m.id for m in messages] == ["panel.E001", "panel.E001"]
    settings.BIGV_AUTH_URL = "http://127.0.0.1/auth"
    assert {m.id for m in check_bigv_urls()} == {"panel.E001", "panel.E002"}
    with pytest.raises(ImproperlyConfigured, match="BIGV_API_URL"):
        enforce_at_startup()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIGV_", "PANEL_DEMO"))}
    env.update(PANEL_ENV="development", **extra)
    return env


def test_manage_py_check_fails_at_start_up() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=_env(BIGV_API_URL="https://api.evil.example"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "panel.E001" in result.stderr and "api.evil.example" in result.stderr


def test_the_asgi_application_refuses_to_load() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import panel.asgi"],
        cwd=REPO,
        env=_env(BIGV_AUTH_URL="http://auth.bytemark.co.uk"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "must use https" in result.stderr
