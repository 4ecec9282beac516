"""A hard wall-clock deadline for one HTTP attempt.

Socket timeouts apply to each ``recv``: a server that drips one byte every 50 ms — in the
status line, the headers or the body — never trips them. The transport
checks the clock between body chunks, but a read can block inside urllib3 for a whole
chunk or inside http.client while parsing headers. So each attempt also arms a timer that
shuts the socket down at the deadline; the blocked read then fails at once and the
transport, seeing ``fired``, reports ``TimedOut``.

The socket is reached through urllib3 connection classes that arm the current
``Watch`` (a context variable, set by the transport around ``session.request``) when
they start waiting for a response. Only sessions the client creates get this adapter.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import threading
import time
from typing import Any

# panel.bigv is the one place allowed to speak HTTP (docs/architecture.md, Layers; see the
# per-file-ignores in pyproject.toml).
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import HTTPResponse


class Watch:
    """Shuts down the armed socket when ``deadline`` (time.monotonic) passes."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self._done = False
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def arm(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self._done:
                return
            if self._timer is not None:
                self._timer.cancel()
            delay = max(0.0, self.deadline - time.monotonic())
            self._timer = threading.Timer(delay, self._fire, args=(sock,))
            self._timer.daemon = True  # never keeps the process alive
            self._timer.start()

    def _fire(self, sock: socket.socket) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
        # shutdown (not close) wakes a recv blocked in another thread on Linux/BSD.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        with self._lock:
            self._done = True
            if self._timer is not None:
                self._timer.cancel()


current_watch: contextvars.ContextVar[Watch | None] = contextvars.ContextVar(
    "bigv_current_watch", default=None
)


def _arm(sock: socket.socket | None) -> None:
    watch = current_watch.get()
    if watch is not None:
        watch.arm(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        _arm(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        _arm(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS: dict[str, Any] = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections honour the current ``Watch``.

    ``max_retries`` stays at requests' default of 0: retries are the transport's
    decision (POST must never be retried, not even by urllib3)."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager
