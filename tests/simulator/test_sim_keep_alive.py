"""The simulator keeps a connection open between requests, as BigV's front end does, and
closes it where a server must: when asked, after an aborted request, when idle too long, and
when the simulator stops."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from panel.bigv import BigVClient
from panel.bigv._sessions import shared_session
from panel.simulator import server as sim_server_module
from panel.simulator.server import SimulatorServer
from tests.simulator.helpers import Client, Control, vm_path


def _connect(sim: SimulatorServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", sim.port), timeout=5)


def _request(
    sock: socket.socket, method: str, path: str, body: bytes = b"", **headers: str
) -> None:
    lines = [f"{method} {path} HTTP/1.1", "Host: sim", f"Content-Length: {len(body)}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One answer read off the socket by its Content-Length (what a keep-alive client does)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before an answer")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        body += sock.recv(65536)
    return int(status_line.split()[1]), headers, body[:length]


def _answer_of(sock: socket.socket, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    _request(sock, method, path)
    return _answer(sock)


def _closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, TimeoutError):
        return True


def test_one_connection_carries_one_request_after_another(sim: SimulatorServer) -> None:
    with _connect(sim) as sock:
        # A body the app never reads (the path is unknown) does not spill into the next request.
        _request(sock, "POST", "/no/such/path", b'{"unread": true}', Authorization="Bearer x")
        assert _answer(sock)[0] == 401
        for _ in range(3):
            status, headers, body = _answer_of(sock, "GET", "/definitions")
            assert status == 200 and json.loads(body)
            assert headers.get("connection", "").lower() != "close"


def test_a_request_whose_length_is_not_a_number_is_refused_and_its_connection_closed(
    sim: SimulatorServer,
) -> None:
    with _connect(sim) as sock:
        sock.sendall(b"PUT /accounts HTTP/1.1\r\nHost: sim\r\nContent-Length: ten\r\n\r\n{}")
        assert _answer(sock)[0] == 400
        assert _closed(sock)


def test_a_client_that_asks_for_close_gets_its_answer_then_the_close(sim: SimulatorServer) -> None:
    with _connect(sim) as sock:
        _request(sock, "GET", "/definitions", Connection="close")
        assert _answer(sock)[0] == 200
        assert _closed(sock)


def test_an_aborted_request_ends_its_connection(
    sim: SimulatorServer, demo: Client, ctl: Control
) -> None:
    ctl.fault(method="GET", path="^/accounts$", action="drop", times=1)
    with _connect(sim) as sock:
        assert _answer_of(sock, "GET", "/definitions")[0] == 200
        _request(sock, "GET", "/accounts", Authorization="Bearer apikey.demo-key")
        assert _closed(sock)
    assert demo.get(vm_path("web", "web1")).status == 200  # the next connection is served


def test_an_idle_connection_is_closed_after_the_keep_alive_timeout(
    sim: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sim_server_module._Handler, "timeout", 0.2)
    with _connect(sim) as sock:
        assert _answer_of(sock, "GET", "/definitions")[0] == 200
        sock.settimeout(5)
        assert _closed(sock)  # within the 5 s: the server's 0.2 s passed first


def test_a_stopped_simulator_ends_the_connections_it_kept() -> None:
    with SimulatorServer(port=0, speed=50) as sim:
        sock = _connect(sim)
        assert _answer_of(sock, "GET", "/definitions")[0] == 200
    with sock:
        assert _closed(sock)


def test_the_panel_s_calls_go_out_on_one_kept_connection(
    sim: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Any] = []
    real = sim_server_module.ThreadingWSGIServer.opened

    def counting(self: Any, connection: socket.socket) -> None:
        opened.append(connection)
        real(self, connection)

    monkeypatch.setattr(sim_server_module.ThreadingWSGIServer, "opened", counting)
    shared_session().close()  # whatever this thread's session held from earlier tests
    for _ in range(3):  # a client per page, as the panel makes them
        with BigVClient(api_url=sim.api_url, token="apikey.demo-key") as client:
            client.vm("demo", "web", "web1")
    assert len(opened) == 1
