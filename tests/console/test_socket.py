"""The console's WebSocket against the panel under uvicorn, the simulator's console over SSH
and the test database: who gets a console, what it shows, and when it is closed."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from django.conf import settings
from django.urls import reverse
from websockets.sync.client import ClientConnection, connect

from panel.access.services import scope_refresh
from panel.audit.models import AuditEntry
from panel.console import services
from panel.console.models import ConsoleSession
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.credentials.services import credentials_disconnect
from tests.console.conftest import browser, person
from tests.simulator.helpers import Client as BigV
from tests.simulator.helpers import login as bigv_login
from tests.simulator.helpers import vm_path

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 15.0


def with_console_key(user: Any) -> Any:
    with client_for(user) as client:
        credential = user.bigv_credential
        return services.console_key_create(
            actor=Actor(user.pk, user.get_username(), None, "test"),
            client=client,
            user=user,
            bigv_username=credential.bigv_username,
        )


def ticket(browser_client: Any, vm: str = "web1", group: str = "web") -> str:
    url = reverse("console:ticket", kwargs={"account": "demo", "group": group, "vm": vm})
    answer = browser_client.post(url)
    assert answer.status_code == 200, answer.content
    return str(answer.json()["ticket"])


class Terminal:
    """The browser's side of one console: a WebSocket with the person's session cookie."""

    def __init__(self, server: str, browser_client: Any, *, origin: str | None = None) -> None:
        cookie = browser_client.cookies[settings.SESSION_COOKIE_NAME].value
        self.socket: ClientConnection = connect(
            f"ws://{server}/console/ws/",
            origin=origin or f"http://{server}",  # type: ignore[arg-type]
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
            open_timeout=WAIT,
            legacy=True,  # a plain connection, closed by the test
        )
        self.output = ""
        self.mark = 0
        self.statuses: list[dict[str, Any]] = []

    def hello(self, value: str) -> None:
        self.socket.send(json.dumps({"type": "hello", "ticket": value, "cols": 100, "rows": 30}))

    def type(self, text: str) -> None:
        self.socket.send(json.dumps({"type": "input", "data": text}))

    def _read(self, deadline: float) -> None:
        message = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01)))
        if message["type"] == "output":
            self.output += message["data"]
        else:
            self.statuses.append(message)

    def until(self, text: str) -> None:
        """Read until ``text`` appears after what the previous wait found."""
        deadline = time.monotonic() + WAIT
        while (found := self.output.find(text, self.mark)) < 0:
            self._read(deadline)
        self.mark = found + len(text)

    def closed(self) -> tuple[int, str]:
        """Read to the end: the close code and the last status message."""
        deadline = time.monotonic() + WAIT
        try:
            while True:
                self._read(deadline)
        except websockets.ConnectionClosed as closed:
            message = self.statuses[-1]["message"] if self.statuses else ""
            assert closed.rcvd is not None, "the panel closed without a close frame"
            return closed.rcvd.code, message

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(autouse=True)
def _consoles_ended() -> Iterator[None]:
    """After each test, until the panel has ended (and audited) every console it opened:
    an end landing during the next test would be that test's surprise."""
    yield
    _wait_ended()


@pytest.fixture
def bob(console_sim: Any) -> Any:
    """Operator, BigV ``viewer``: vm_console on web1 only — with a console key."""
    user = person("bob", "apikey.viewer-key")
    with_console_key(user)
    return user


@pytest.fixture
def alice(console_sim: Any) -> Any:
    user = person("alice", "apikey.demo-key")
    with_console_key(user)
    return user


def test_a_console_only_person_gets_the_login_prompt_and_a_shell(panel_server, bob) -> None:
    client = browser(bob)
    terminal = Terminal(panel_server, client)
    terminal.hello(ticket(client))
    terminal.until("web1 login: ")
    assert terminal.statuses[0] == {
        "type": "status",
        "state": "open",
        "message": "Connected to web1 in demo/web.",
    }
    terminal.type("root\r")
    terminal.until("Password: ")
    terminal.type("secret\r")
    terminal.until("root@web1:~# ")
    terminal.type("hostname\r")
    terminal.until("\r\nweb1\r\n")
    terminal.close()

    _wait_ended()
    session = ConsoleSession.objects.get(user=bob)
    assert session.end == ConsoleSession.End.CLOSED and session.vm_label == "web1 in demo/web"
    opened = AuditEntry.objects.get(action="console.open", outcome="succeeded")
    assert (opened.actor_username, opened.target_label, opened.source_ip) == (
        "bob",
        "web1 in demo/web",
        "127.0.0.1",
    )
    closed = AuditEntry.objects.get(action="console.close")
    assert closed.params["end"] == "closed" and closed.params["seconds"] >= 0
    assert "secret" not in json.dumps([opened.params, closed.params])


def test_another_sites_page_may_not_open_a_socket(panel_server, bob) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        Terminal(panel_server, browser(bob), origin="http://evil.example")
    assert refused.value.response.status_code == 403


def test_without_a_panel_login_the_socket_is_refused(panel_server, bob) -> None:
    anonymous = browser(bob)
    anonymous.logout()
    anonymous.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    with pytest.raises(websockets.InvalidStatus):
        Terminal(panel_server, anonymous)


def test_a_ticket_of_another_login_is_refused(panel_server, bob) -> None:
    value = ticket(browser(bob))
    terminal = Terminal(panel_server, browser(bob))  # the same person, another login
    terminal.hello(value)
    assert terminal.closed() == (4003, "This console link expired: open the console again.")


def test_without_a_console_key_the_person_is_told_to_make_one(panel_server, console_sim) -> None:
    carol = person("carol", "apikey.webadmin-key")
    client = browser(carol)
    terminal = Terminal(panel_server, client)
    terminal.hello(ticket(client))
    assert terminal.closed() == (4003, "Make a console key for your BigV user first.")
    denied = AuditEntry.objects.get(action="console.open", outcome="denied")
    assert denied.api_error == "Make a console key for your BigV user first."


def test_a_person_may_keep_only_so_many_consoles_open(panel_server, alice) -> None:
    client = browser(alice)
    open_ones = []
    for vm in ("web1", "web2"):
        terminal = Terminal(panel_server, client)
        terminal.hello(ticket(client, vm))
        terminal.until(f"{vm} login: ")
        open_ones.append(terminal)
    third = Terminal(panel_server, client)
    third.hello(ticket(client, "web3"))
    assert third.closed() == (4003, "You have 2 consoles open already: close one first.")
    for terminal in open_ones:
        terminal.close()


def test_a_vm_that_is_off_is_silent_until_it_boots(panel_server, alice, console_sim) -> None:
    client = browser(alice)
    terminal = Terminal(panel_server, client)
    terminal.hello(ticket(client, "db2", "db"))
    with pytest.raises(TimeoutError):
        while True:
            terminal._read(time.monotonic() + 1.0)  # only the "open" status comes
    assert terminal.output == "" and terminal.statuses[0]["state"] == "open"
    demo = BigV(console_sim.api_url, bigv_login(console_sim, "demo", "demo-password"))
    assert demo.put(vm_path("db", "db2"), {"power_on": True, "autoreboot_on": True}).status == 200
    terminal.until("Linux version")
    terminal.until("db2 login: ")
    terminal.close()


def test_logging_out_closes_the_console_at_once(panel_server, bob) -> None:
    client = browser(bob)
    terminal = Terminal(panel_server, client)
    terminal.hello(ticket(client))
    terminal.until("web1 login: ")
    _log_out_through(panel_server, client)
    assert terminal.closed() == (4001, "Closed: your panel login ended.")
    closed = AuditEntry.objects.get(action="console.close")
    assert closed.params["end"] == "logged_out"


def test_a_login_ended_elsewhere_closes_the_console_at_the_next_check(panel_server, bob) -> None:
    client = browser(bob)
    terminal = Terminal(panel_server, client)
    terminal.hello(ticket(client))
    terminal.until("web1 login: ")
    client.logout()  # in this process: the panel's process sees the session gone
    assert terminal.closed() == (4001, "Closed: your panel login ended.")


def test_losing_the_level_closes_the_console(panel_server, bob, console_sim) -> None:
    client = browser(bob)
    terminal = Terminal(panel_server, client)
    terminal.hello(ticket(client))
    terminal.until("web1 login: ")
    with console_sim.world.lock:
        viewer = console_sim.world.user_named("viewer")
        for privilege in list(console_sim.world.privileges.values()):
            if privilege.user_id == viewer.id:
                del console_sim.world.privileges[privilege.id]
    scope_refresh(bob)
    assert terminal.closed() == (4003, "Closed: you may no longer use this console.")


def test_a_console_nobody_types_into_is_closed(panel_server, bob) -> None:
    client = browser(bob)
    terminal = Terminal(panel_server, client)
    terminal.hello(ticket(client))
    terminal.until("web1 login: ")
    assert terminal.closed() == (4008, "Closed: nobody typed for a while.")
    assert ConsoleSession.objects.get(user=bob).end == ConsoleSession.End.IDLE


def _wait_ended() -> None:
    deadline = time.monotonic() + WAIT
    while ConsoleSession.objects.filter(ended_at__isnull=True).exists():
        assert time.monotonic() < deadline, "a console was left open"
        time.sleep(0.05)


def _log_out_through(server: str, client: Any) -> None:
    """POST /logout/ to the panel's own process, with the page's CSRF token."""
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookies = f"{settings.SESSION_COOKIE_NAME}={session}"
    with urllib.request.urlopen(
        urllib.request.Request(f"http://{server}/bigv/", headers={"Cookie": cookies})
    ) as page:
        html = page.read().decode()
        csrf_cookie = next(
            value.split(";")[0]
            for name, value in page.headers.items()
            if name.lower() == "set-cookie" and value.startswith(settings.CSRF_COOKIE_NAME)
        )
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert token is not None
    request = urllib.request.Request(
        f"http://{server}/logout/",
        method="POST",
        data=b"",
        headers={
            "Cookie": f"{cookies}; {csrf_cookie}",
            "X-CSRFToken": token.group(1),
            "Origin": f"http://{server}",
            "Referer": f"http://{server}/bigv/",
        },
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.read()


def test_disconnecting_bigv_or_being_deactivated_closes_the_console(panel_server, bob) -> None:
    client = browser(bob)
    first = Terminal(panel_server, client)
    first.hello(ticket(client))
    first.until("web1 login: ")
    credentials_disconnect(actor=Actor.system(), user=bob)
    assert first.closed() == (4003, "Closed: you may no longer use this console.")

    carol = person("carol", "apikey.viewer-key")
    with_console_key(carol)
    client = browser(carol)
    second = Terminal(panel_server, client)
    second.hello(ticket(client))
    second.until("web1 login: ")
    carol.is_active = False
    carol.save(update_fields=["is_active"])
    assert second.closed() == (4001, "Closed: your panel login ended.")
