"""Fixtures for the integration tests of ``panel.bigv`` against ``panel.simulator``.

Everything goes over real HTTP: the client under test talks to the suite-wide ``simulator``
(tests/conftest.py), and the simulator's control API (``/_sim``) is driven with the standard
library only (``requests`` is reserved for panel.bigv). No Django is involved: the
``simulator`` fixture is used directly and reset here, not through the Django ``sim``
fixture.

Each test gets a freshly seeded world at speed 0.1: provisioning takes 80 s, reimage 60 s,
ACPI shutdown 40 s and a reboot 10 s of *real* time, so nothing completes on its own while a
test runs (even on a loaded machine) and every transition happens exactly when the test
advances the world clock (``POST /_sim/clock/advance``) by the durations below.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from panel.bigv import AuthClient, BigVClient, ClientConfig

SPEED = 0.1
# World-clock durations at SPEED (the simulator's timings at speed 1, divided by SPEED).
PROVISION = 8.0 / SPEED
REIMAGE = 6.0 / SPEED
SHUTDOWN = 4.0 / SPEED
REBOOT = 1.0 / SPEED
LONG = 10 * PROVISION  # longer than any chain of transitions

PASSWORDS = {
    "demo": "demo-password",
    "viewer": "viewer-password",
    "webadmin": "webadmin-password",
    "secure": "secure-password",
    "otheruser": "other-password",
}


class Control:
    """The simulator's ``/_sim`` control API (JSON, no auth, never faulted or logged)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def advance(self, seconds: float) -> dict[str, Any]:
        return self.call("POST", "/clock/advance", {"seconds": seconds})

    def fault(self, **spec: Any) -> dict[str, Any]:
        return self.call("POST", "/faults", spec)

    def faults(self) -> list[dict[str, Any]]:
        return self.call("GET", "/faults")

    def last_seq(self) -> int:
        return self.call("GET", "/requests?since=0")["last_seq"]

    def requests(self, since: int = 0) -> list[dict[str, Any]]:
        return self.call("GET", f"/requests?since={since}")["requests"]

    def vm_state(self, vm_id: int) -> dict[str, Any]:
        return self.call("GET", f"/vms/{vm_id}")

    def patch_vm(self, vm_id: int, **fields: Any) -> dict[str, Any]:
        return self.call("PATCH", f"/vms/{vm_id}", fields)

    def wait_logged(
        self, since: int, predicate: Callable[[dict[str, Any]], bool], timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait until a request matching ``predicate`` has been logged (it is logged once
        handled, e.g. after a ``delay`` fault), so nothing leaks into the next test."""
        end = time.monotonic() + timeout
        while True:
            found = [r for r in self.requests(since) if predicate(r)]
            if found or time.monotonic() > end:
                return found
            time.sleep(0.05)


class Sim:
    """The running simulator plus what the tests need to reach it."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.api_url: str = server.api_url
        self.auth_url: str = server.auth_url
        self.control = Control(server.control_url)
        self._clients: list[BigVClient | AuthClient] = []

    def auth(self, config: ClientConfig | None = None) -> AuthClient:
        client = AuthClient(auth_url=self.auth_url, config=config or ClientConfig())
        self._clients.append(client)
        return client

    def client(self, token: str | None, config: ClientConfig | None = None) -> BigVClient:
        client = BigVClient(api_url=self.api_url, token=token, config=config or ClientConfig())
        self._clients.append(client)
        return client

    def login(self, username: str, *, validity: int = 1800, **extra: Any) -> str:
        """A session token through the real auth service (``POST /auth/session``)."""
        return self.auth().create_session(
            username=username, password=PASSWORDS[username], validity=validity, **extra
        )

    def user(self, username: str) -> BigVClient:
        return self.client(self.login(username))

    def raw_get(self, path: str, token: str) -> str:
        """A brain GET outside the client, to inspect the exact response body."""
        request = urllib.request.Request(
            self.api_url + path,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.read().decode()
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"GET {path} -> {exc.code}") from None

    def close(self) -> None:
        for client in self._clients:
            client.close()


@pytest.fixture
def bsim(simulator: Any) -> Iterator[Sim]:
    """A freshly seeded simulator at SPEED with its clock offset restored afterwards
    (the session-wide simulator is shared with other test directories)."""
    world = simulator.world
    with world.lock:
        offset = world.clock.offset
    simulator.reset()
    sim = Sim(simulator)
    sim.control.call("POST", "/speed", {"speed": SPEED})
    try:
        yield sim
    finally:
        sim.close()
        simulator.reset()  # also restores the server's speed (50)
        with world.lock:
            world.clock.offset = offset


@pytest.fixture
def ctl(bsim: Sim) -> Control:
    return bsim.control


@pytest.fixture
def demo(bsim: Sim) -> BigVClient:
    """demo (account_admin on account demo) through a real session."""
    return bsim.user("demo")


@pytest.fixture
def ids(demo: BigVClient) -> dict[str, int]:
    """Ids of the seeded demo objects, read through the client."""
    out: dict[str, int] = {}
    account = demo.account("demo", overview=True, include_deleted=True)
    out["demo"] = account.id
    for group in account.groups:
        out[f"group:{group.name}"] = group.id
        for vm in group.virtual_machines:
            out[vm.name] = vm.id
    return out
