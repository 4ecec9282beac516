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
