"""Fixtures for the simulator's own tests: one server per session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from panel.simulator.server import SimulatorServer
from tests.simulator.helpers import SPEED, Client, Control, login


@pytest.fixture(scope="session")
def sim_server() -> Iterator[SimulatorServer]:
    with SimulatorServer(
        host="127.0.0.1", port=0, speed=SPEED, state_file=None, seed="demo"
    ) as sim:
        yield sim


@pytest.fixture
def sim(sim_server: SimulatorServer) -> SimulatorServer:
    """The session's simulator, freshly seeded (overrides the suite-wide Django one)."""
    sim_server.reset()
    return sim_server


@pytest.fixture
def anon(sim: SimulatorServer) -> Client:
    return Client(sim.api_url)


@pytest.fixture
def auth(sim: SimulatorServer) -> Client:
    return Client(sim.auth_url)


@pytest.fixture
def ctl(sim: SimulatorServer) -> Control:
    return Control(sim.control_url)


@pytest.fixture
def demo(sim: SimulatorServer) -> Client:
    """demo (account_admin on demo) through a session token."""
    return Client(sim.api_url, login(sim, "demo", "demo-password"))


@pytest.fixture
def demo_key(sim: SimulatorServer) -> Client:
    return Client(sim.api_url, "apikey.demo-key")


@pytest.fixture
def viewer(sim: SimulatorServer) -> Client:
    """viewer: vm_console on web1 only."""
    return Client(sim.api_url, login(sim, "viewer", "viewer-password"))


@pytest.fixture
def webadmin(sim: SimulatorServer) -> Client:
    """webadmin: group_admin on demo/web."""
    return Client(sim.api_url, login(sim, "webadmin", "webadmin-password"))


@pytest.fixture
def other(sim: SimulatorServer) -> Client:
    return Client(sim.api_url, login(sim, "otheruser", "other-password"))
