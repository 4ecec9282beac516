"""Browser tests: Playwright driving Debian's chromium against a live panel.

The browser is Debian's package (``make test`` installs it with apt-get where it can); we never
download a browser build. Where chromium is missing, every browser test skips with that reason,
and pytest's summary (``-ra``) shows it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The panel under uvicorn with a worker (for pages that stream): ``panel_url``, ``logged_in``.
# A module that needs another set-up defines fixtures of the same names, which win.
from tests.e2e.live_panel import logged_in, panel_url  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Flags that keep chromium quiet on a machine without a network or a display.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# The Playwright sync API runs an event loop in the test thread; Django then refuses ORM calls
# from that thread unless told the loop is not serving requests here (it is not).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            # One browser per xdist worker is plenty on a 2-core machine. A browser test that
            # drives a Celery worker joins the "celery" group instead, so it never runs beside
            # the worker tests whose timing it would disturb.
            if item.get_closest_marker("xdist_group") is None:
                item.add_marker(pytest.mark.xdist_group("browser"))


# Per module, not per session: while Playwright's sync API is open, asyncio counts its loop
# as running in this thread, and every later test on the same xdist worker that runs async
# code (asyncio.run, async_to_sync) would be refused. Closed after the module, it is gone
# before a test of another module starts; a launch costs about a second.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (make test installs it as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """``screenshot("group-page")`` saves test-artifacts/screenshots/group-page.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
