"""Requests under ASGI run on threads kept from one request to the next, each in a thread
context of its own."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import SyncToAsync, ThreadSensitiveContext

from panel.runtime.asgi_handlers import PanelApplication
from panel.runtime.page_threads import PageThreads

pytestmark = pytest.mark.django_db


def _scope(path: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def client(leaves_after: float | None = None) -> Callable[[], Awaitable[dict]]:
    """The ASGI ``receive`` of a browser's GET: the request, then a disconnect after
    ``leaves_after`` seconds — or none while the response is made."""
    asked = False

    async def receive() -> dict:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if leaves_after is None:
            await asyncio.Event().wait()  # never set: the browser stays
        else:
            await asyncio.sleep(leaves_after)
        return {"type": "http.disconnect"}

    return receive


async def _get(handler: PanelApplication, path: str) -> int:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    await handler(_scope(path), client(), send)
    return int(sent[0]["status"])


async def _until(done, limit: float = 5.0) -> None:
    """A drained executor is parked by a callback on the loop: give it the loop a while."""
    for _ in range(int(limit / 0.01)):
        if done():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def test_sequential_pages_reuse_one_thread():
    handler = PanelApplication()

    async def run() -> None:
        for _ in range(5):
            assert await _get(handler, "/login/") == 200
            await _until(lambda: handler.threads.idle)

    asyncio.run(run())
    assert handler.threads.created == 1
    assert len(handler.threads.idle) == 1


def test_concurrent_pages_get_threads_of_their_own():
    handler = PanelApplication()

    async def run() -> None:
        statuses = await asyncio.gather(*(_get(handler, "/login/") for _ in range(4)))
        assert statuses == [200] * 4
        await _until(lambda: len(handler.threads.idle) == handler.threads.created)

    asyncio.run(run())
    assert handler.threads.created >= 2
    assert len(handler.threads.idle) == handler.threads.created


@pytest.mark.parametrize("path", ["/operations/events", "/login/"])
def test_a_request_that_inherits_a_finished_requests_context_runs_in_its_own(path):
    """With keep-alive, asyncio may start a request's task in a copy of the previous
    request's context (CPython issue 140947): the thread context it finds already set has
    exited. The stream (an async view, Django's own handler) and the page must both run."""
    app = PanelApplication()

    async def run() -> int:
        finished = ThreadSensitiveContext(executor=ThreadPoolExecutor(max_workers=1))
        async with finished:
            pass
        SyncToAsync.thread_sensitive_context.set(finished)  # what the leak hands over
        return await _get(app, path)

    # Anonymous: the stream's login check answers (a redirect), the login page renders.
    assert asyncio.run(run()) == (302 if "events" in path else 200)


def test_a_thread_still_busy_is_not_handed_out_until_it_drains():
    threads = PageThreads()
    release = threading.Event()

    async def run() -> None:
        first = threads.take()
        first.submit(release.wait)  # a view left running by a client that went away
        threads.give_back(first)
        await asyncio.sleep(0.2)
        assert threads.idle == []
        assert threads.take() is not first
        release.set()
        await _until(lambda: threads.idle == [first])

    asyncio.run(run())


def test_idle_threads_past_the_limit_end(monkeypatch):
    closed: list[str] = []
    monkeypatch.setattr(
        "panel.runtime.page_threads.connections.close_all",
        lambda: closed.append(threading.current_thread().name),
    )
    threads = PageThreads(keep=1)

    async def run() -> list[ThreadPoolExecutor]:
        taken = [threads.take() for _ in range(3)]
        for executor in taken:
            executor.submit(lambda: None).result()
            threads.give_back(executor)
        await _until(lambda: len(threads.idle) == 1)
        await asyncio.sleep(0.05)  # the other two are retired, not parked
        return taken

    taken = asyncio.run(run())
    assert len(threads.idle) == 1
    retired = [e for e in taken if e not in threads.idle]
    for executor in retired:
        executor.shutdown(wait=True)
    assert len(closed) == 2
    assert all(name.startswith("panel-page") for name in closed)


@pytest.mark.parametrize(("configured", "expected"), [(None, "60"), ("0", "0")])
def test_the_web_process_keeps_database_connections_unless_configured(configured, expected):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_CONN_MAX_AGE"}
    if configured is not None:
        env["DATABASE_CONN_MAX_AGE"] = configured
    code = (
        "import panel.asgi; from django.conf import settings; "
        "print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == expected


def test_a_page_is_served_in_one_thread_hop_however_many_middleware_layers(monkeypatch):
    """What ``PagesHandler`` relies on: Django's ASGI handler calls ``handle`` for a request,
    and builds the chain ``load_middleware`` is asked for, so the request's signals, the sync
    chain and the view run in one hop, as under WSGI. Django's own handler hops for each
    signal and closing too, and its async chain twice per layer (some 25 here)."""
    hops: list[str] = []
    real_call = SyncToAsync.__call__

    async def counting(self, *args, **kwargs):
        hops.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await real_call(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)
    app = PanelApplication()
    assert asyncio.run(_get(app, "/login/")) == 200
    assert hops == ["PagesHandler.respond"]
