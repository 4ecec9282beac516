"""The WebSocket handshake's Origin rule and client address, read as for a page."""

from __future__ import annotations

from typing import Any

import pytest

from panel.console.handshake import HandshakeRequest, address, origin_allowed


def scope(
    origin: str | None, *, scheme: str = "ws", peer: str = "198.51.100.7", **headers: str
) -> Any:
    raw = [(b"host", b"127.0.0.1:8000")]
    if origin is not None:
        raw.append((b"origin", origin.encode()))
    raw += [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return {"type": "websocket", "scheme": scheme, "path": "/console/ws/", "headers": raw,
            "client": (peer, 50000), "server": ("127.0.0.1", 8000)}  # fmt: skip


@pytest.mark.parametrize(
    ("origin", "scheme", "allowed"),
    [
        ("http://127.0.0.1:8000", "ws", True),
        ("https://127.0.0.1:8000", "wss", True),
        ("https://127.0.0.1:8000", "ws", False),  # the page's scheme must be the socket's
        ("http://evil.example", "ws", False),
        ("null", "ws", False),
        (None, "ws", False),
    ],
)
def test_only_the_panels_own_origin_may_open_a_socket(origin, scheme, allowed) -> None:
    assert origin_allowed(HandshakeRequest(scope(origin, scheme=scheme))) is allowed


def test_a_trusted_origin_and_an_unknown_host(settings) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://panel.example.com"]
    assert origin_allowed(HandshakeRequest(scope("https://panel.example.com")))
    settings.ALLOWED_HOSTS = ["panel.example.com"]
    assert not origin_allowed(HandshakeRequest(scope("http://127.0.0.1:8000")))


def test_forwarded_headers_count_only_from_a_trusted_proxy(settings) -> None:
    forwarded = {"x_forwarded_for": "203.0.113.9", "x_forwarded_proto": "https"}
    untrusted = HandshakeRequest(scope("https://127.0.0.1:8000", **forwarded))
    assert address(untrusted) == "198.51.100.7" and not origin_allowed(untrusted)
    settings.PANEL_TRUSTED_PROXIES = ["198.51.100.7"]
    trusted = HandshakeRequest(scope("https://127.0.0.1:8000", **forwarded))
    assert address(trusted) == "203.0.113.9" and origin_allowed(trusted)
