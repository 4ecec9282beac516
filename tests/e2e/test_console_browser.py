"""The serial console in a real browser: the panel under uvicorn (ASGI, so WebSockets work),
a real Celery worker, the simulator and its console over SSH, Debian's chromium.

A person makes their console key, opens web2's console, sees the login prompt, logs in and
runs a command; reboots web2 from another tab and sees it boot in the first; logs out in the
other tab and sees the console closed. A console-only person sees nothing of a VM they hold no
level on, and is refused its console. The page keeps to the CSP all along.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from panel.console.models import ConsoleSession
from tests.console.helpers import console_env, console_for
from tests.credentials.helpers import connect_key, make_user
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery")]
WEB2 = "/accounts/demo/groups/web/vms/web2/"
# Every CSP violation the page reports, from the first paint on.
WATCH_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def console_server(simulator: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with console_for(simulator, tmp_path_factory.mktemp("console")) as server:
        yield server


@pytest.fixture(autouse=True)
def _worker_env_reaches_the_consoles(worker: Any, console_server: Any) -> Iterator[None]:
    """``panel_url`` (tests/e2e/live_panel.py) runs with the worker's environment: told here
    where the simulator's consoles are (autouse, so before ``panel_url`` starts it)."""
    saved = dict(worker.env)
    worker.env.update(console_env(console_server))
    yield
    worker.env.clear()
    worker.env.update(saved)


def log_in_as(page: Any, panel_url: str, username: str, api_key: str) -> Any:
    user = make_user(username)
    connect_key(user, api_key)
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": panel_url}]
    )
    page.add_init_script(WATCH_CSP)
    return page


def test_the_console_in_the_page(page, panel_url, sim, screenshot) -> None:
    log_in_as(page, panel_url, "alice", "apikey.demo-key")
    page.goto(f"{panel_url}{WEB2}")
    console = page.locator("#console")
    console.get_by_role("link", name="Make a console key…").click()
    page.get_by_text("adds its public half to the SSH keys of your BigV user demo").wait_for()
    page.get_by_role("button", name="Make a console key").click()
    page.wait_for_url(f"{panel_url}{WEB2}")
    page.get_by_text("is now among demo's SSH keys").wait_for()

    console.get_by_role("button", name="Open console").click()
    status = console.locator("[data-console-status]")
    status.get_by_text("Connected to web2 in demo/web.").wait_for()
    screen = console.locator(".xterm-rows")
    screen.get_by_text("web2 login:").wait_for()
    page.keyboard.type("root\n")
    screen.get_by_text("Password:").wait_for()
    page.keyboard.type("a-password\n")
    screen.get_by_text("root@web2:~#").first.wait_for()
    page.keyboard.type("echo hello from the panel\n")
    screen.get_by_text("hello from the panel", exact=True).wait_for()
    screenshot("console-01-logged-in")
    console.screenshot(path=str(ARTIFACTS / "console.png"))  # docs/screenshots/console.png

    # Another tab reboots web2 (a direct action): its boot lines reach the first tab.
    other = page.context.new_page()
    other.goto(f"{panel_url}{WEB2}")
    other.locator("#vm-panel").get_by_role("button", name="Reboot", exact=True).click()
    screen.get_by_text("Linux version 6.1.0-28-amd64", exact=False).wait_for(timeout=20_000)
    screen.get_by_text("Reached target Multi-User System.").wait_for(timeout=20_000)
    page.locator("#console").scroll_into_view_if_needed()
    screenshot("console-02-after-reboot")

    # Logging out in the other tab closes the console here, saying why.
    other.get_by_role("button", name="Log out").click()
    other.wait_for_url(f"{panel_url}/login/**")
    status.get_by_text("Closed: your panel login ended.").wait_for()
    console.get_by_role("button", name="Reconnect").wait_for()
    assert page.evaluate("window.__violations") == []


def test_a_console_only_person_gets_the_console_of_their_vm_only(page, panel_url, sim) -> None:
    log_in_as(page, panel_url, "bob", "apikey.viewer-key")
    page.goto(f"{panel_url}/accounts/demo/groups/web/vms/web1/")
    console = page.locator("#console")
    console.get_by_role("link", name="Make a console key…").click()
    page.get_by_role("button", name="Make a console key").click()
    page.get_by_text("is now among viewer's SSH keys").wait_for()
    routes: list[Any] = []

    def through(route: Any) -> None:  # the real socket, which the test can drop
        route.connect_to_server()
        routes.append(route)

    page.route_web_socket(re.compile(r"/console/ws/$"), through)
    console.get_by_role("button", name="Open console").click()
    screen = console.locator(".xterm-rows")
    # The SSH handshake to the simulator's console: seconds on a machine busy with the suite.
    screen.get_by_text("web1 login:").wait_for(timeout=30_000)
    assert console.get_by_role("button", name="Send Ctrl-Alt-Delete").count() == 0

    # The connection drops: the page asks for a new ticket and connects again by itself.
    routes[0].close(code=1011, reason="dropped")
    console.get_by_text("The connection dropped. Trying again in 1 s…").wait_for()
    console.get_by_text("Connected to web1 in demo/web.", exact=True).wait_for()
    page.keyboard.type("whoami\n")
    screen.get_by_text("Password:").wait_for()  # the same line: it asks whoami's password
    assert ConsoleSession.objects.filter(user__username="bob").count() == 2

    answer = page.goto(f"{panel_url}{WEB2}")
    assert answer is not None and answer.status == 404
    assert page.locator("#console").count() == 0
    ticket = page.request.post(
        f"{panel_url}{WEB2}console/ticket/",
        headers={"X-CSRFToken": _csrf_token(page, panel_url)},
    )
    assert ticket.status == 404
    assert ticket.json() == {"error": "Not found, or not visible to your BigV user."}
    assert page.evaluate("window.__violations") == []


def _csrf_token(page: Any, panel_url: str) -> str:
    page.goto(f"{panel_url}/bigv/")
    headers = page.locator("body").get_attribute("hx-headers") or "{}"
    return str(json.loads(headers)["X-CSRFToken"])
