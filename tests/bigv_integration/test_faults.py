"""Error mapping and retry policy of the client against faults injected into the simulator
(``POST /_sim/faults``), counted in its request log (docs/bigv-api.md §5.5 retries, §5.6 the
error tree; the policy itself is in panel/bigv/transport.py)."""

from __future__ import annotations

import pytest

from panel.bigv import (
    ApiError,
    BadRequest,
    BigVClient,
    ClientConfig,
    ConnectionFailed,
    NotFound,
    ServerError,
    TimedOut,
    Unauthorized,
    Unavailable,
    UnexpectedStatus,
)
from tests.bigv_integration.conftest import Control, Sim

# Fast retries so the matrix stays well under a second.
QUICK = ClientConfig(retries=2, backoff_base=0.01, backoff_cap=0.02)


@pytest.fixture
def quick(bsim: Sim) -> BigVClient:
    return bsim.client(bsim.login("demo"), config=QUICK)


def _fault_counters(ctl: Control, fault_id: int) -> tuple[int, int]:
    fault = next(f for f in ctl.faults() if f["id"] == fault_id)
    return fault["seen"], fault["fired"]


def test_500_is_server_error_and_not_retried(quick: BigVClient, ctl: Control) -> None:
    fault = ctl.fault(method="GET", path="^/accounts/demo$", action="status", status=500)
    since = ctl.last_seq()
    with pytest.raises(ServerError) as exc:
        quick.account("demo")
    assert exc.value.status == 500 and "simulated fault" in exc.value.body
    logged = ctl.requests(since)
    assert [(r["path"], r["status"], r["fault"]) for r in logged] == [
        ("/accounts/demo", 500, fault["id"])
    ]
    # A status fault touches no state: the next request goes through.
    ctl.call("DELETE", "/faults")
    assert quick.account("demo").name == "demo"


def test_503_on_get_is_retried_then_unavailable(quick: BigVClient, ctl: Control) -> None:
    fault = ctl.fault(
        method="GET",
        path="^/accounts$",
        action="status",
        status=503,
        body="down for maintenance",
        headers={"Retry-After": "0"},
    )
    hooks: list[int | None] = []
    quick.on_request.append(lambda method, path, status: hooks.append(status))
    since = ctl.last_seq()
    with pytest.raises(Unavailable) as exc:
        quick.accounts()
    assert exc.value.status == 503 and exc.value.retry_after == 0.0
    assert "down for maintenance" in exc.value.message
    logged = ctl.requests(since)
    # 1 + retries attempts, every one of them answered by the fault.
    assert [(r["method"], r["path"], r["status"]) for r in logged] == [
        ("GET", "/accounts", 503)
    ] * 3
    assert hooks == [503, 503, 503]
    assert _fault_counters(ctl, fault["id"]) == (3, 3)


def test_503_once_then_success(quick: BigVClient, ctl: Control) -> None:
    ctl.fault(method="GET", path="^/accounts$", status=503, headers={"Retry-After": "0"}, times=1)
    since = ctl.last_seq()
    assert quick.accounts()[0].name == "demo"
    assert [r["status"] for r in ctl.requests(since)] == [503, 200]


def test_503_on_post_is_not_retried(quick: BigVClient, ctl: Control) -> None:
    ctl.fault(method="POST", path="/groups$", status=503, headers={"Retry-After": "0"})
    since = ctl.last_seq()
    with pytest.raises(Unavailable):
        quick.group_create("demo", name="never")
    assert [r["status"] for r in ctl.requests(since)] == [503]


def test_post_drop_is_connection_failed_and_sent_once(quick: BigVClient, ctl: Control) -> None:
    fault = ctl.fault(method="POST", path="^/accounts/demo/groups$", action="drop")
    since = ctl.last_seq()
    with pytest.raises(ConnectionFailed) as exc:
        quick.group_create("demo", name="dropped")
    assert exc.value.method == "POST" and exc.value.path == "/accounts/demo/groups"
    logged = ctl.requests(since)
    assert [(r["method"], r["path"], r["status"], r["fault"]) for r in logged] == [
        ("POST", "/accounts/demo/groups", None, fault["id"])
    ]
    assert _fault_counters(ctl, fault["id"]) == (1, 1)
    ctl.call("DELETE", "/faults")
    # The drop happened before the request was handled: nothing was created.
    assert "dropped" not in [g.name for g in quick.groups("demo")]


def test_get_drop_is_retried(quick: BigVClient, ctl: Control) -> None:
    ctl.fault(method="GET", path="^/accounts/demo$", action="drop", times=1)
    since = ctl.last_seq()
    assert quick.account("demo").name == "demo"
    assert [r["status"] for r in ctl.requests(since)] == [None, 200]


def test_delay_beyond_deadline_is_timed_out(bsim: Sim, ctl: Control) -> None:
    config = ClientConfig(deadline=0.5, retries=2, backoff_base=0.01, backoff_cap=0.02)
    client = bsim.client(bsim.login("demo"), config=config)
    ctl.fault(method="GET", path="^/accounts$", action="delay", seconds=1.0)
    since = ctl.last_seq()
    with pytest.raises(TimedOut) as exc:
        client.accounts()
    assert exc.value.method == "GET" and exc.value.path == "/accounts"
    # The simulator handles the delayed request once its sleep is over: exactly one
    # attempt was made (the deadline leaves no room for a retry).
    logged = ctl.wait_logged(since, lambda r: r["path"] == "/accounts")
    assert [r["status"] for r in logged] == [200]
    assert len([r for r in ctl.requests(since) if r["path"] == "/accounts"]) == 1


def test_http_errors_map_to_the_error_tree(quick: BigVClient, ctl: Control) -> None:
    cases: list[tuple[int, str, type[ApiError]]] = [
        (400, '{"name": ["is invalid"]}', BadRequest),
        (404, '{"error": "Not found"}', NotFound),
        (409, '{"error": "conflict"}', UnexpectedStatus),
    ]
    for status, body, expected in cases:
        ctl.call("DELETE", "/faults")
        ctl.fault(method="GET", path="^/accounts/demo$", status=status, body=body)
        with pytest.raises(expected) as exc:
            quick.account("demo")
        assert exc.value.status == status
    assert type(exc.value) is UnexpectedStatus and "unexpected HTTP status 409" in exc.value.message


def test_put_reset_is_retried_then_connection_failed(quick: BigVClient, ctl: Control) -> None:
    """PUT bodies are absolute, so a connection reset is retried (1 + retries attempts)."""
    ctl.fault(method="PUT", path="/virtual_machines/db2$", action="reset")
    since = ctl.last_seq()
    with pytest.raises(ConnectionFailed):
        quick.vm_update("demo", "db", "db2", memory=4096)
    assert [(r["method"], r["status"]) for r in ctl.requests(since)] == [("PUT", None)] * 3
    ctl.call("DELETE", "/faults")
    assert quick.vm("demo", "db", "db2").memory == 8192  # never applied


def test_sessions_expired_by_the_simulator(bsim: Sim, ctl: Control) -> None:
    token = bsim.login("demo")
    brain = bsim.client(token)
    assert brain.accounts()
    assert ctl.call("POST", "/sessions/expire", {"username": "demo"})["expired"] >= 1
    with pytest.raises(Unauthorized):
        brain.accounts()
    with pytest.raises(Unauthorized):
        bsim.auth().session(token)
    # API keys are not sessions: they keep working.
    assert bsim.client("apikey.demo-key").accounts()
