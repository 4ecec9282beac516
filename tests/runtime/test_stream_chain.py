"""The live streams' middleware chain (Django's async one) has no sync-only layer."""

from __future__ import annotations

import asyncio

import pytest
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished
from django.test import override_settings

from panel.runtime.asgi_handlers import PanelApplication
from tests.runtime.test_page_threads import _scope, client

pytestmark = pytest.mark.django_db


def test_every_layer_runs_in_the_async_chain_without_a_bridge(monkeypatch):
    """A sync-only layer would make Django bridge the layers inside it with async_to_sync
    (panel.core.light_middleware says why that hurts a stream the browser drops)."""
    bridged: list[object] = []
    real = base.async_to_sync

    def recording(func, *args, **kwargs):
        bridged.append(func)
        return real(func, *args, **kwargs)

    monkeypatch.setattr(base, "async_to_sync", recording)
    handler = ASGIHandler()
    handler.load_middleware(is_async=True)
    assert bridged == []


@override_settings(ROOT_URLCONF="tests.runtime.stream_urls")
def test_a_stream_dropped_before_its_view_answers_ends_cleanly():
    app = PanelApplication()
    finished: list[object] = []

    def on_finished(sender, **kwargs):
        finished.append(sender)

    async def run() -> None:
        async def send(message: dict) -> None:
            raise AssertionError(f"nothing is sent to a client that left: {message}")

        # The view is still working when the browser goes away.
        await app(_scope("/slow"), client(leaves_after=0.05), send)

    request_finished.connect(on_finished)
    try:
        for _ in range(5):
            asyncio.run(run())
    finally:
        request_finished.disconnect(on_finished)
    assert len(finished) == 5
