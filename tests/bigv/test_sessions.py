"""The session a thread's clients share (panel.bigv._sessions): one connection from one client
to the next, no cookie and no environment carried between calls, nothing shared with a fork."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from panel.bigv import BigVClient
from panel.bigv._sessions import IDLE_SECONDS, environment_for, shared_session


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as BigV and the simulator answer

    def do_GET(self) -> None:
        server: Any = self.server
        server.seen.append(
            {
                "connection": self.client_address,
                "cookie": self.headers.get("Cookie"),
                "authorization": self.headers.get("Authorization"),
                "target": self.path,
            }
        )
        body = json.dumps([]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "tracker=from-the-server; Path=/")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Any]:
    httpd: Any = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _accounts(url: str, token: str) -> None:
    with BigVClient(api_url=url, token=token) as client:
        client.accounts()


def test_the_next_client_of_a_thread_uses_the_connection_the_last_one_left_open(
    server: Any,
) -> None:
    _accounts(server.url, "apikey.alice")
    _accounts(server.url, "apikey.bob")
    first, second = server.seen
    assert first["connection"] == second["connection"]  # one TCP connection, reused


def test_a_cookie_set_for_one_person_is_never_sent_with_another_s_call(server: Any) -> None:
    _accounts(server.url, "apikey.alice")
    _accounts(server.url, "apikey.bob")
    assert [call["cookie"] for call in server.seen] == [None, None]
    # Each call carries its own person's token, never the one before.
    assert [call["authorization"] for call in server.seen] == [
        "Bearer apikey.alice",
        "Bearer apikey.bob",
    ]


def test_each_thread_has_a_session_of_its_own() -> None:
    sessions: list[Any] = []
    thread = threading.Thread(target=lambda: sessions.append(shared_session()))
    thread.start()
    thread.join()
    assert sessions[0] is not shared_session()
    assert shared_session() is shared_session()


# A fork from a test process with threads: the child only reads a module global and exits.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_starts_without_its_parent_s_session() -> None:
    parent = id(shared_session())
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: say whether it was handed the parent's session
        os.write(write, b"same" if id(shared_session()) == parent else b"new")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 16) == b"new"


def test_the_environment_s_proxy_and_ca_bundle_apply_as_requests_would_apply_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "auth.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/our-ca.pem")
    environment_for.cache_clear()
    try:
        api = environment_for("https://uk0.bigv.io")
        assert api["proxies"]["https"] == "http://proxy.example:3128"
        assert api["verify"] == "/etc/ssl/our-ca.pem"
        assert environment_for("https://auth.example")["proxies"] == {}  # NO_PROXY
    finally:
        environment_for.cache_clear()


def test_a_netrc_login_never_replaces_the_person_s_token(
    server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password theirs\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    _accounts(server.url, "apikey.alice")
    assert server.seen[0]["authorization"] == "Bearer apikey.alice"


def test_a_connection_idle_for_longer_than_a_server_may_keep_it_is_not_used_again(
    server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr("panel.bigv._sessions.monotonic", lambda: clock[0])
    _accounts(server.url, "apikey.alice")
    clock[0] += IDLE_SECONDS - 1
    _accounts(server.url, "apikey.alice")
    clock[0] += IDLE_SECONDS + 1
    _accounts(server.url, "apikey.alice")
    first, soon, late = (call["connection"] for call in server.seen)
    assert soon == first
    assert late != first
