"""A tiny raw-socket HTTP server that misbehaves on purpose, for the client's fault tests.

The first path segment picks the behaviour, so one server serves every fault: a client
with ``api_url=f"{server.url}/reset"`` sees its ``GET /accounts`` arrive as
``GET /reset/accounts``. Every request is counted per ``(method, path)`` once its headers
and body have been read, before the fault is acted out. Handler threads are daemons and
every wait is on ``stop_event``, so ``stop()`` ends even the hang and drip faults.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from collections import Counter

FAULTS = (
    "ok",  # 200 with a valid JSON object
    "reset",  # RST right after reading the request
    "close",  # FIN without any response
    "500",
    "502",
    "503",  # with Retry-After: 0
    "truncated",  # Content-Length larger than the body sent, then close
    "malformed",  # 200 application/json that is not JSON
    "hang",  # never answers until stop()
    "drip",  # headers, then 1 body byte every 50 ms forever
    "drip_headers",  # the status line itself, 1 byte every 50 ms forever
    "redirect",  # 302 to another port
)

_OK_BODY = {
    "id": 1,
    "name": "thing",
    "account_id": 1,
    "group_id": 1,
    "cores": 1,
    "memory": 1024,
    "power_on": True,
    "autoreboot_on": True,
}


class FaultServer:
    def __init__(self, redirect_to: str = "http://127.0.0.1:9/") -> None:
        self.redirect_to = redirect_to
        self.counts: Counter[tuple[str, str]] = Counter()
        self.headers: list[dict[str, str]] = []
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepter.start()

    # --- lifecycle ----------------------------------------------------------------------

    def stop(self) -> None:
        self.stop_event.set()
        self._accepter.join(timeout=2)
        self._sock.close()
        for thread in list(self._threads):
            thread.join(timeout=2)

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, method: str, path: str) -> int:
        with self._lock:
            return self.counts[(method, path)]

    def total(self, prefix: str = "") -> int:
        """Requests seen (under ``prefix``: a port freed by an earlier test's server may
        still be polled by something that test left running; its strays are not ours)."""
        with self._lock:
            return sum(n for (_, path), n in self.counts.items() if path.startswith(prefix))

    # --- internals ----------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self.stop_event.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with contextlib.suppress(OSError), conn:
            request = _read_request(conn)
            if request is None:
                return
            method, path, headers = request
            with self._lock:
                self.counts[(method, path)] += 1
                self.headers.append(headers)
            fault = path.split("/")[1] if path.count("/") >= 1 else ""
            self._act(conn, fault)

    def _act(self, conn: socket.socket, fault: str) -> None:
        if fault == "reset":
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif fault == "close":
            pass
        elif fault in ("500", "502", "503"):
            extra = {"Retry-After": "0"} if fault == "503" else {}
            _respond(conn, int(fault), b'{"error": "fault"}', extra)
        elif fault == "truncated":
            body = json.dumps(_OK_BODY).encode()
            head = _head(200, {"Content-Length": str(len(body) + 100)})
            conn.sendall(head + body)
        elif fault == "malformed":
            _respond(conn, 200, b'{"id": 1, "name": ')
        elif fault == "hang":
            self.stop_event.wait()
        elif fault == "drip":
            conn.sendall(_head(200, {"Content-Length": "1000000"}))
            self._drip(conn, b" " * 1000000)
        elif fault == "drip_headers":
            self._drip(conn, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000000)
        elif fault == "redirect":
            _respond(conn, 302, b"", {"Location": self.redirect_to})
        else:
            _respond(conn, 200, json.dumps(_OK_BODY).encode())

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self.stop_event.wait(0.05):
                return
            conn.sendall(data[i : i + 1])


def _read_request(conn: socket.socket) -> tuple[str, str, dict[str, str]] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        rest += chunk
    path = target.split("?", 1)[0]
    return method, path, headers


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} Fault", "Connection: close", "Content-Type: application/json"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _respond(
    conn: socket.socket, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    conn.sendall(_head(status, {"Content-Length": str(len(body)), **(headers or {})}) + body)
