"""A hard wall-clock deadline for one HTTP attempt.

Socket timeouts apply to each ``recv``: a server that drips one byte every 50 ms — in the
status line, the headers or the body — never trips them. The transport
checks the clock between body chunks, but a read can block inside urllib3 for a whole
chunk or inside http.client while parsing headers. So each attempt also arms a timer that
shuts the socket down at the deadline; the blocked read then fails at once and the
transport, seeing ``fired``, reports ``TimedOut``.

One thread per process keeps every armed deadline (a heap, earliest first) and sleeps until
the earliest: arming costs a heap push, where a timer thread per attempt cost about 0.16 ms
to start and join on every BigV call, pages and workers alike. A cancelled watch stays in the
heap until its deadline passes and is then dropped unfired. The thread is started on first
use in each process; a forked child (a Celery pool process) starts afresh, with a new lock.

The socket is reached through urllib3 connection classes that arm the current
``Watch`` (a context variable, set by the transport around ``session.request``) when
they start waiting for a response. Only sessions the client creates get this adapter.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import os
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
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def arm(self, sock: socket.socket | None) -> None:
        """Watch ``sock`` (the attempt's socket; a redirect-free attempt arms one, but a
        later arm replaces the earlier socket)."""
        if sock is None:
            return
        with self._lock:
            if self._done:
                return
            first = self._sock is None
            self._sock = sock
        if first:
            _sentinel.watch(self)

    def fire(self) -> None:
        with self._lock:
            if self._done or self._sock is None:
                return
            self.fired = True
            sock = self._sock
        # shutdown (not close) wakes a recv blocked in another thread on Linux/BSD.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        with self._lock:
            self._done = True
            self._sock = None  # the heap may keep the watch a while; never the socket


class _Sentinel:
    """The thread that fires the watches whose deadline has passed."""

    def __init__(self) -> None:
        self._order = itertools.count()  # ties: first armed, first fired
        self.reset()

    def reset(self) -> None:
        self._heap: list[tuple[float, int, Watch]] = []
        self._wake = threading.Condition()
        self._running = False

    def watch(self, watch: Watch) -> None:
        with self._wake:
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="bigv-deadlines", daemon=True).start()
            earliest = self._heap[0][0] if self._heap else None
            heapq.heappush(self._heap, (watch.deadline, next(self._order), watch))
            if earliest is None or watch.deadline < earliest:
                self._wake.notify()

    def _run(self) -> None:
        while True:
            due: list[Watch] = []
            with self._wake:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    due.append(heapq.heappop(self._heap)[2])
                if not due:
                    self._wake.wait(self._heap[0][0] - now if self._heap else None)
                    continue
            for watch in due:
                watch.fire()


_sentinel = _Sentinel()
# The parent's thread does not exist in a forked child, and its lock may have been held.
os.register_at_fork(after_in_child=_sentinel.reset)


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
