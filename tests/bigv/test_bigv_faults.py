"""Faults over real HTTP: which error each fault raises and how many requests it costs.

The policy under test is in panel/bigv/transport.py's docstring: POST is sent exactly
once whatever happens; GET/PUT retry connection failures and 502/503/504 (1 + retries =
4 requests), a read timeout while a full read timeout still fits in the deadline (0.8 s /
0.3 s → 2 requests) and — GET only — a truncated body once (2 requests).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from bigv_helpers import FAST, TOKEN
from fault_server import FaultServer

from panel.bigv import (
    BigVClient,
    BigVError,
    ConnectionFailed,
    InvalidResponse,
    ServerError,
    TimedOut,
    Unavailable,
)

Call = Callable[[BigVClient], Any]

# method -> (call, path the server sees below /<fault>)
CALLS: dict[str, tuple[Call, str]] = {
    "GET": (lambda c: c.account("a"), "/accounts/a"),
    "PUT": (lambda c: c.vm_start("a", "g", "v"), "/accounts/a/groups/g/virtual_machines/v"),
    "POST": (lambda c: c.group_create("a", name="x"), "/accounts/a/groups"),
    "DELETE": (lambda c: c.vm_delete("a", "g", "v"), "/accounts/a/groups/g/virtual_machines/v"),
}

# fault -> expected exception, then requests seen for GET, PUT, POST
MATRIX: dict[str, tuple[type[BigVError] | None, int, int, int]] = {
    "ok": (None, 1, 1, 1),
    "reset": (ConnectionFailed, 4, 4, 1),
    "close": (ConnectionFailed, 4, 4, 1),
    "500": (ServerError, 1, 1, 1),
    "502": (ServerError, 4, 4, 1),
    "503": (Unavailable, 4, 4, 1),
    "truncated": (InvalidResponse, 2, 1, 1),
    "malformed": (InvalidResponse, 1, 1, 1),
    "hang": (TimedOut, 2, 2, 1),
    "drip": (TimedOut, 1, 1, 1),
    "drip_headers": (TimedOut, 1, 1, 1),
    "redirect": (InvalidResponse, 1, 1, 1),
}
CASES = [
    (fault, method, expected[0], expected[1 + i])
    for fault, expected in MATRIX.items()
    for i, method in enumerate(("GET", "PUT", "POST"))
]
# DELETE follows GET/PUT (idempotent); spot-check it.
CASES += [("reset", "DELETE", ConnectionFailed, 4), ("503", "DELETE", Unavailable, 4)]


@pytest.fixture
def make_client() -> Iterator[Callable[[str], BigVClient]]:
    clients: list[BigVClient] = []

    def make(url: str) -> BigVClient:
        clients.append(BigVClient(api_url=url, token=TOKEN, config=FAST))
        return clients[-1]

    yield make
    for c in clients:
        c.close()


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("fault", "method", "error", "count"),
    CASES,
    ids=[f"{fault}-{method}" for fault, method, *_ in CASES],
)
def test_fault_matrix(
    fault_server: FaultServer,
    elsewhere: FaultServer,
    make_client: Callable[[str], BigVClient],
    fault: str,
    method: str,
    error: type[BigVError] | None,
    count: int,
) -> None:
    call, path = CALLS[method]
    client = make_client(f"{fault_server.url}/{fault}")
    seen: list[int | None] = []
    client.on_request.append(lambda _m, _p, status: seen.append(status))

    started = time.monotonic()
    if error is None:
        call(client)
    else:
        with pytest.raises(error) as info:
            call(client)
        assert type(info.value) is error
        assert TOKEN not in str(info.value) and TOKEN not in repr(info.value)
    elapsed = time.monotonic() - started

    assert fault_server.count(method, f"/{fault}{path}") == count
    # Nothing else under this client's base URL (the drip and hang faults never end a
    # request: a second one would be a retry).
    assert fault_server.total(prefix=f"/{fault}/") == count, dict(fault_server.counts)
    assert len(seen) == count  # the hook saw every attempt
    # The deadline (0.8 s) bounds everything, slow-drip servers included.
    assert elapsed < FAST.deadline + 0.4
    if fault == "redirect":
        assert elsewhere.total() == 0  # never followed: the token stays home
    if fault in ("drip", "drip_headers"):
        assert elapsed >= FAST.deadline - 0.05


def test_connection_refused(make_client: Callable[[str], BigVClient]) -> None:
    with FaultServer() as server:
        url = server.url
    # The port is closed now: nothing listens there.
    client = make_client(url)
    seen: list[int | None] = []
    client.on_request.append(lambda _m, _p, status: seen.append(status))
    with pytest.raises(ConnectionFailed, match="connection failed"):
        client.accounts()
    assert seen == [None] * 4
    seen.clear()
    with pytest.raises(ConnectionFailed):
        client.group_create("a", name="x")
    assert seen == [None]


def test_keep_alive_reuse_still_works(
    fault_server: FaultServer, make_client: Callable[[str], BigVClient]
) -> None:
    client = make_client(f"{fault_server.url}/ok")
    for _ in range(3):
        client.account(1)
    assert fault_server.count("GET", "/ok/accounts/1") == 3
    assert fault_server.headers[0]["authorization"] == f"Bearer {TOKEN}"
    assert fault_server.headers[0]["content-type"] == "application/json"
