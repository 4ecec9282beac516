"""Fixtures for the panel.bigv client tests (no Django needed)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import responses
from bigv_helpers import API, AUTH, FIXTURES_DIR, TOKEN
from fault_server import FaultServer

from panel.bigv import AuthClient, BigVClient


@pytest.fixture
def fixture_json() -> Callable[[str], Any]:
    """Load one of the published BigV example payloads in tests/bigv/fixtures."""

    def load(name: str) -> Any:
        return json.loads((FIXTURES_DIR / name).read_text())

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
