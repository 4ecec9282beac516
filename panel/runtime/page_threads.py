"""Threads for the panel's requests under ASGI, reused from one request to the next.

Django's ASGI handler runs each request's sync code (signals, middleware, view, closing the
response) in a thread of its own: a new single-thread executor per request, and a second new
thread to join it afterwards. At a few milliseconds a page, starting and joining those two
threads was a tenth of the web process's time (py-spy under ``make bench``).

``PageThreads`` keeps single-thread executors instead. Each request takes one and gives it
back when done; the same thread runs every sync part of the request (as Django requires of
a thread-sensitive context), so its database connection still belongs to one thread at a
time. An executor goes back to the idle list only once the thread has drained its queue:
a request whose client went away leaves its view running, and no new request may queue
behind it. A live stream keeps its thread while it is open; the thread sits idle between
renders (the stream waits on the event loop) and is parked when the stream ends. Past
``keep`` idle threads, the extra ones close their database connections and end.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connections

# More than the pages one web process usually serves at once (load bench: 50 users).
KEEP_IDLE = 32


def _nothing() -> None:
    """Queued behind a request's work: when it has run, the thread is free."""


class PageThreads:
    def __init__(self, keep: int = KEEP_IDLE) -> None:
        self.keep = keep
        self.idle: list[ThreadPoolExecutor] = []
        self.created = 0

    def take(self) -> ThreadPoolExecutor:
        """An idle thread, or a new one. Called on the event loop only (no lock needed)."""
        if self.idle:
            return self.idle.pop()
        self.created += 1
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="panel-page")

    def give_back(self, executor: ThreadPoolExecutor) -> None:
        """Back to the idle list once everything queued on it has run."""
        loop = asyncio.get_running_loop()

        def drained(_: Future[None]) -> None:
            try:
                loop.call_soon_threadsafe(self._park, executor)
            except RuntimeError:  # the loop closed meanwhile (server shutting down)
                self._retire(executor)

        executor.submit(_nothing).add_done_callback(drained)

    def _park(self, executor: ThreadPoolExecutor) -> None:
        if len(self.idle) < self.keep:
            self.idle.append(executor)
        else:
            self._retire(executor)

    @staticmethod
    def _retire(executor: ThreadPoolExecutor) -> None:
        # Connections are per thread: close this thread's before it ends (queued work
        # still runs after a shutdown without wait).
        executor.submit(connections.close_all)
        executor.shutdown(wait=False)
