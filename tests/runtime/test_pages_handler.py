"""A page's request, from ``request_started`` to ``request_finished``, under the pages handler
(``panel.runtime.asgi_handlers.PagesHandler``): in one thread, as Django's WSGI handler
serves it; a streamed answer (an export) leaves part by part, and is finished once it is sent."""

from __future__ import annotations

import asyncio
import threading

import pytest
from django.core.signals import request_finished, request_started
from django.test import override_settings

from panel.runtime.asgi_handlers import PanelApplication
from tests.runtime.test_page_threads import _scope, client

pytestmark = pytest.mark.django_db


class Recorder:
    """What happened, in order: the signals (with their thread) and the messages sent."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int | None]] = []

    def started(self, sender, **kwargs) -> None:
        self.events.append(("started", threading.get_ident()))

    def finished(self, sender, **kwargs) -> None:
        self.events.append(("finished", threading.get_ident()))

    def __enter__(self) -> Recorder:
        request_started.connect(self.started)
        request_finished.connect(self.finished)
        return self

    def __exit__(self, *exc: object) -> None:
        request_started.disconnect(self.started)
        request_finished.disconnect(self.finished)

    def names(self) -> list[str]:
        return [name for name, _ in self.events]


async def _serve(app, scope: dict, record: Recorder) -> bytes:
    """Serve one request to a client that stays."""
    body = bytearray()

    async def send(message: dict) -> None:
        record.events.append((message["type"], None))
        body.extend(message.get("body", b""))

    await asyncio.wait_for(app(scope, client(), send), timeout=10)
    return bytes(body)


def test_a_page_starts_and_finishes_on_its_own_thread_before_it_is_sent():
    app = PanelApplication()
    with Recorder() as record:
        body = asyncio.run(_serve(app, _scope("/login/"), record))
    assert b"<form" in body
    assert record.names() == [
        "started",
        "finished",
        "http.response.start",
        "http.response.body",
    ]
    (_, started), (_, finished) = record.events[:2]
    assert started == finished != threading.get_ident()


def test_a_request_django_refuses_is_answered_and_finished():
    app = PanelApplication()
    scope = {**_scope("/login/"), "path": "/\udcff"}  # not UTF-8: Django answers 400
    scope["raw_path"] = b"/\xff"
    with Recorder() as record:
        asyncio.run(_serve(app, scope, record))
    assert record.names()[:2] == ["started", "finished"]
    assert "http.response.start" in record.names()


@override_settings(ROOT_URLCONF="tests.runtime.stream_urls")
def test_a_streamed_answer_is_sent_whole_then_finished():
    app = PanelApplication()
    with Recorder() as record:
        body = asyncio.run(_serve(app, _scope("/export"), record))
    assert body == b"line 1\nline 2\nline 3\n"
    names = record.names()
    assert names[0] == "started"
    assert names[-1] == "finished" and names.count("finished") == 1
    assert names[-2] == "http.response.body"


@override_settings(ROOT_URLCONF="tests.runtime.stream_urls")
def test_a_streamed_answer_leaves_part_by_part_not_read_whole_first():
    from tests.runtime import stream_urls

    stream_urls.FIRST_PART_SENT.clear()
    app = PanelApplication()
    body = bytearray()

    async def send(message: dict) -> None:
        body.extend(message.get("body", b""))
        if b"part 1" in body:
            stream_urls.FIRST_PART_SENT.set()

    asyncio.run(asyncio.wait_for(app(_scope("/export-slowly"), client(), send), timeout=10))
    assert bytes(body) == b"part 1\npart 2, after the client had part 1\n"
