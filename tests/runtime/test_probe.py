"""The containers' health check: python -m panel.runtime.probe."""

from __future__ import annotations

import pytest

from panel.runtime.probe import main, probe_host


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("panel.example.com,other.example", "panel.example.com"),
        (" .example.com", "healthz.example.com"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_probe_names_a_host_the_panel_accepts(allowed: str, host: str) -> None:
    assert probe_host(allowed) == host


@pytest.mark.django_db(transaction=True)
def test_the_probe_passes_on_200_and_fails_otherwise(
    live_server, sim, settings, redis_url, monkeypatch, capsys
) -> None:
    settings.REDIS_URL = redis_url
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "localhost")
    assert main(["--url", f"{live_server.url}/healthz"]) == 0
    settings.BIGV_API_URL = "http://127.0.0.1:9/"  # nothing answers: 503
    assert main(["--url", f"{live_server.url}/healthz"]) == 1
    assert main(["--url", "http://127.0.0.1:9/healthz", "--timeout", "2"]) == 1
    assert "probe:" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--url", "file:///etc/passwd"])


@pytest.mark.django_db(transaction=True)
def test_the_probe_can_tolerate_bigv_alone_failing(
    live_server, settings, redis_url, monkeypatch, capsys
) -> None:
    """The web container's check: healthy while only BigV is unreachable, not otherwise."""
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "localhost")
    url = f"{live_server.url}/healthz"
    settings.REDIS_URL = redis_url
    settings.BIGV_API_URL = "https://brain.bigv.invalid"  # never resolves
    assert main(["--url", url]) == 1
    assert main(["--url", url, "--tolerate=bigv_api"]) == 0
    assert "503 (bigv_api)" in capsys.readouterr().out
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # and now Redis too: unhealthy
    assert main(["--url", url, "--tolerate=bigv_api"]) == 1
