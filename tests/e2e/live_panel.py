"""The panel as `make run` serves it, for browser tests that watch operations live: uvicorn
(ASGI, so Server-Sent Events stream) in a subprocess on a free port, against the test
database, with the Celery worker's environment (database, Redis, the simulator).

pytest-django's live_server is a WSGI server, which cannot stream SSE (the panel refuses
streams there and polls). Test modules import the fixtures they use from here.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from panel.runtime.stack import wait_for_http
from tests.credentials.helpers import connect_key, make_user

BASE_DIR = Path(__file__).resolve().parents[2]
# At speed 2 the ACPI shutdown takes 2 s and a boot 0.5 s: slow enough to watch the steps
# change, fast enough for a test.
SIM_SPEED = 2

# Records, in the page itself, every current-step text the live fragment shows, from the
# first paint on (Playwright injects it before the page's own scripts; CSP does not apply).
WATCH = """
window.__steps = [];
const note = () => {
  const label = document.querySelector('.op-detail .op-step-label');
  const text = label && label.textContent.trim();
  if (text && window.__steps[window.__steps.length - 1] !== text) window.__steps.push(text);
};
document.addEventListener('DOMContentLoaded', () => {
  note();
  new MutationObserver(note).observe(document.body, {childList: true, subtree: true});
});
"""


# Records, in the page, when each of its event streams opened, failed or delivered an event
# (Playwright injects it before the page's own scripts): a story of a page that did not change.
STREAM_LOG = """
window.__streams = [];
const at = (what) => (evt) => {
  const source = evt.detail && evt.detail.source;
  const url = source ? source.url.replace(location.origin, '') : '';
  window.__streams.push(`${new Date().toISOString().slice(11, 19)} ${what} ${url}`);
};
document.addEventListener('htmx:sseOpen', at('open'));
document.addEventListener('htmx:sseError', at('error'));
document.addEventListener('htmx:sseMessage', (evt) => {
  window.__streams.push(`${new Date().toISOString().slice(11, 19)} message ${evt.detail.type}`);
});
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def panel_url(worker: Any, tmp_path: Path) -> Iterator[str]:
    """The panel under uvicorn, with the worker's environment (database, Redis, BigV)."""
    port = _free_port()
    log = (tmp_path / "uvicorn.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "panel.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--timeout-graceful-shutdown",
            "2",
            # As under `make run`: no client may claim an address with X-Forwarded-For.
            "--no-proxy-headers",
        ],
        env=worker.env,
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/login/", timeout=30, process=proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    # A stream that dies on the server looks, in the browser, like a slow one: the page
    # reconnects and catches up. So the server's own log must show no error either.
    text = (tmp_path / "uvicorn.log").read_text(errors="replace")
    assert "Traceback" not in text, text


@pytest.fixture
def logged_in(page: Any, panel_url: str, sim: Any) -> Any:
    user = make_user("carol")
    connect_key(user, "apikey.demo-key")
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": panel_url}]
    )
    return page
