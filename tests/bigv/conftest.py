"""Fixtures for the panel.bigv client tests (no Django needed)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
from bigv_helpers import API, AUTH, FIXTURES_DIR, TOKEN
from fault_server import FaultServer

from panel.bigv import AuthClient, BigVClient

FIXTURES = Path(FIXTURES_DIR)


@pytest.fixture
def fixture_json() -> Callable[[str], Any]:
    """Load one of the shared BigV fixtures; skip when the shared directory is absent."""

    def load(name: str) -> Any:
        path = FIXTURES / name
        if not path.is_file():
            pytest.skip(f"shared fixture {path} is missing")
        return json.loads(path.read_text())

    return load


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def client() -> Iterator[BigVClient]:
    with BigVClient(api_url=API, token=TOKEN) as c:
        yield c


@pytest.fixture
def auth_client() -> Iterator[AuthClient]:
    with AuthClient(auth_url=AUTH) as c:
        yield c


@pytest.fixture
def elsewhere() -> Iterator[FaultServer]:
    """Stands in for "another host": a redirect must never reach it."""
    with FaultServer() as server:
        yield server


@pytest.fixture
def fault_server(elsewhere: FaultServer) -> Iterator[FaultServer]:
    with FaultServer(redirect_to=f"{elsewhere.url}/steal") as server:
        yield server
