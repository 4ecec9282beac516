"""The web server (panel.runtime.web_server): N uvicorn processes, each accepting connections on
a socket of its own, kept running, all stopped by one SIGTERM.

A burst of connections opened together must reach every process (uvicorn's shared socket gave
one process nearly all of them), a process that dies is started again, and the launcher's
SIGTERM ends every process it started.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from panel.runtime.web_server import uvicorn_config

APP = """
import os


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(os.getpid()).encode()})
"""

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_answering(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/")
        return int(connection.getresponse().read())
    finally:
        connection.close()


def _wait_answering(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _pid_answering(port)
            return
        except OSError:
            assert time.monotonic() < deadline, "the web server did not answer"
            time.sleep(0.1)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    (tmp_path / "pid_app.py").write_text(APP)
    port = _free_port()
    argv = [
        sys.executable, "-m", "panel.runtime.web_server", "pid_app:app",
        "--app-dir", str(tmp_path), "--host", "127.0.0.1", "--port", str(port),
        "--workers", "3", "--lifespan", "off", "--log-level", "warning",
    ]  # fmt: skip
    launcher = subprocess.Popen(argv, cwd=Path(__file__).resolve().parents[2])
    try:
        _wait_answering(port)
        yield launcher, port
    finally:
        if launcher.poll() is None:
            launcher.terminate()
            launcher.wait(timeout=30)


def _children(pid: int) -> set[int]:
    found = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return {int(line) for line in found.stdout.split()}


def _burst(port: int, connections: int) -> Counter[int]:
    """Open ``connections`` connections at once and ask each which process answers it."""
    answers: Counter[int] = Counter()
    start = threading.Barrier(connections)

    def one() -> None:
        start.wait()
        answers[_pid_answering(port)] += 1

    threads = [threading.Thread(target=one) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def _listening(port: int) -> int:
    """How many sockets listen on ``port`` (each process binds one of its own)."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    fields = (line.split() for line in lines)
    return sum(1 for f in fields if f[1].endswith(f":{port:04X}") and f[3] == "0A")


def _wait_for_three(launcher: subprocess.Popen[bytes], port: int) -> set[int]:
    """Until the launcher runs three processes, each listening; their pids."""
    deadline = time.monotonic() + 30
    while len(children := _children(launcher.pid)) < 3 or _listening(port) < 3:
        assert time.monotonic() < deadline, (children, _listening(port))
        time.sleep(0.1)
    return children


def test_a_burst_of_connections_reaches_every_process(server) -> None:
    launcher, port = server
    _wait_for_three(launcher, port)
    answers = _burst(port, 60)
    assert sum(answers.values()) == 60
    assert set(answers) == _children(launcher.pid), answers
    # The kernel spreads them by a hash: none of the three is left with almost nothing.
    assert min(answers.values()) >= 5, answers


def test_a_process_that_dies_is_started_again_and_sigterm_stops_them_all(server) -> None:
    launcher, port = server
    victim = min(_wait_for_three(launcher, port))
    os.kill(victim, signal.SIGKILL)
    while victim in _children(launcher.pid):  # until the launcher has reaped it
        time.sleep(0.05)
    now = _wait_for_three(launcher, port)
    assert victim not in now
    launcher.send_signal(signal.SIGTERM)
    assert launcher.wait(timeout=30) == 0
    for pid in now:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_the_options_are_uvicorns() -> None:
    config = uvicorn_config(
        ["panel.asgi:application", "--port", "8123", "--no-proxy-headers", "--workers", "4"]
    )
    assert (config.app, config.port, config.proxy_headers, config.workers) == (
        "panel.asgi:application",
        8123,
        False,
        4,
    )
    with pytest.raises(SystemExit) as refused:
        uvicorn_config(["panel.asgi:application", "--no-such-option"])
    assert refused.value.code == 2
