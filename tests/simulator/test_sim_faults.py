"""Fault injection, barriers and the request log, over real HTTP."""

from __future__ import annotations

import http.client
import threading
import time

import pytest

from tests.simulator.helpers import Client, Control, vm_id, vm_path

WEB1 = vm_path("web", "web1")


def _cores(sim, name: str = "web1") -> int:
    with sim.world.lock:
        return sim.world.vms[vm_id(sim, name)].cores


def test_status_fault_answers_without_touching_state(sim, demo: Client, ctl: Control) -> None:
    ctl.fault(
        method="PUT",
        path=r"/virtual_machines/web1$",
        action="status",
        status=503,
        body="down for maintenance",
        headers={"Retry-After": "2"},
        times=1,
    )
    resp = demo.put(WEB1, {"cores": 4})
    assert resp.status == 503 and resp.text == "down for maintenance"
    assert resp.headers["retry-after"] == "2" and resp.headers["content-type"].startswith(
        "text/plain"
    )
    assert _cores(sim) == 2
    assert demo.put(WEB1, {"cores": 4}).status == 200  # times=1: the next one goes through
    assert _cores(sim) == 4


def test_status_fault_defaults_and_json_body(demo: Client, ctl: Control) -> None:
    ctl.fault(path="^/accounts$", status=500)
    resp = demo.get("/accounts")
    assert resp.status == 500 and resp.json() == {"error": "simulated fault"}
    ctl.delete("/faults")
    assert demo.get("/accounts").status == 200


def test_skip_lets_the_first_requests_through(demo: Client, ctl: Control) -> None:
    ctl.fault(method="GET", path="^/accounts$", status=502, skip=2, times=1)
    assert [demo.get("/accounts").status for _ in range(4)] == [200, 200, 502, 200]
    listed = ctl.get("/faults").json()
    assert listed[0]["seen"] == 4 and listed[0]["fired"] == 1


def test_method_and_path_filters(demo: Client, ctl: Control) -> None:
    ctl.fault(method="DELETE", path="web1", status=500)
    assert demo.get(WEB1).status == 200
    assert demo.put(WEB1, {}).status == 200
    assert demo.delete(WEB1).status == 500
    assert ctl.get("/").status == 200  # control is never faulted


def test_auth_service_can_be_faulted(auth: Client, ctl: Control) -> None:
    ctl.fault(method="POST", path="^/auth/session$", status=503, times=1)
    assert auth.post("/session", {"username": "demo", "password": "demo-password"}).status == 503
    assert auth.post("/session", {"username": "demo", "password": "demo-password"}).status == 200


def test_delay_then_normal_processing(sim, demo: Client, ctl: Control) -> None:
    ctl.fault(method="PUT", path="web1", action="delay", seconds=0.3, times=1)
    started = time.monotonic()
    resp = demo.put(WEB1, {"cores": 3})
    assert time.monotonic() - started >= 0.3
    assert resp.status == 200 and _cores(sim) == 3


def test_drop_closes_without_a_response(sim, demo: Client, ctl: Control) -> None:
    ctl.fault(method="PUT", path="web1", action="drop", times=1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        demo.put(WEB1, {"cores": 4})
    assert _cores(sim) == 2
    assert demo.put(WEB1, {"cores": 4}).status == 200


def test_reset_sends_a_tcp_rst(sim, demo: Client, ctl: Control) -> None:
    ctl.fault(method="GET", path="^/accounts$", action="reset", times=1)
    with pytest.raises(ConnectionResetError):
        demo.get("/accounts")
    assert demo.get("/accounts").status == 200


def test_hang_holds_until_the_fault_is_deleted(sim, demo: Client, ctl: Control) -> None:
    fault = ctl.fault(method="PUT", path="web1", action="hang")
    outcome: list[object] = []

    def call() -> None:
        try:
            outcome.append(demo.put(WEB1, {"cores": 4}, timeout=10).status)
        except (http.client.RemoteDisconnected, ConnectionResetError) as exc:
            outcome.append(type(exc))

    worker = threading.Thread(target=call)
    worker.start()
    assert ctl.post(f"/faults/{fault}/wait", {"timeout": 5}).json()["fired"] == 1
    assert outcome == [] and worker.is_alive()
    assert ctl.delete(f"/faults/{fault}").status == 204
    worker.join(timeout=5)
    assert outcome and outcome[0] in (http.client.RemoteDisconnected, ConnectionResetError)
    assert _cores(sim) == 2  # the held request was never processed


def test_fault_wait_times_out(ctl: Control) -> None:
    fault = ctl.fault(path="never-matches", status=500)
    assert ctl.post(f"/faults/{fault}/wait", {"timeout": 0.1}).json()["timeout"] is True
    assert ctl.post("/faults/999/wait", {"timeout": 0.1}).status == 404


def test_bad_fault_specs(ctl: Control) -> None:
    assert ctl.post("/faults", {"action": "explode"}).status == 400
    assert ctl.post("/faults", {"path": "("}).status == 400
    assert ctl.post("/faults", {"method": "BREW"}).status == 400
    assert ctl.delete("/faults/12345").status == 404


def test_barrier_holds_a_request_before_processing(sim, demo: Client, ctl: Control) -> None:
    assert (
        ctl.post("/barriers", {"name": "b1", "method": "PUT", "path": "web1$", "times": 1}).status
        == 201
    )
    results: list[int] = []
    worker = threading.Thread(target=lambda: results.append(demo.put(WEB1, {"cores": 5}).status))
    worker.start()
    arrived = ctl.post("/barriers/b1/wait", {"timeout": 5}).json()
    assert arrived["arrived"] == 1 and arrived["waiting"] == 1 and "timeout" not in arrived
    assert _cores(sim) == 2  # held before it was processed
    assert demo.get(WEB1).status == 200  # other methods pass
    assert ctl.get("/barriers/b1").json() == {
        "name": "b1",
        "method": "PUT",
        "path": "web1$",
        "times": 1,
        "arrived": 1,
        "waiting": 1,
        "released": False,
    }
    assert ctl.post("/barriers/b1/release").json()["released"] is True
    worker.join(timeout=5)
    assert results == [200] and _cores(sim) == 5
    assert demo.put(WEB1, {"cores": 6}).status == 200  # times=1: later requests pass
    assert ctl.get("/barriers/b1").json()["waiting"] == 0


def test_barrier_wait_timeout_and_delete(ctl: Control, demo: Client) -> None:
    ctl.post("/barriers", {"name": "idle", "path": "nothing"})
    assert ctl.post("/barriers/idle/wait", {"timeout": 0.1}).json()["timeout"] is True
    assert ctl.delete("/barriers/idle").status == 204
    assert ctl.get("/barriers/idle").status == 404
    assert ctl.post("/barriers/idle/wait", {"timeout": 0.1}).status == 404


def test_deleting_a_barrier_releases_its_requests(ctl: Control, demo: Client) -> None:
    ctl.post("/barriers", {"name": "b2", "method": "GET", "path": "^/accounts$", "times": 2})
    results: list[int] = []
    workers = [
        threading.Thread(target=lambda: results.append(demo.get("/accounts").status))
        for _ in range(2)
    ]
    for w in workers:
        w.start()
    assert ctl.post("/barriers/b2/wait", {"timeout": 5, "count": 2}).json()["waiting"] == 2
    ctl.delete("/barriers/b2")
    for w in workers:
        w.join(timeout=5)
    assert results == [200, 200]


def test_request_log(sim, ctl: Control, auth: Client, demo_key: Client) -> None:
    ctl.delete("/requests")
    start = ctl.requests()["last_seq"]
    token = auth.post("/session", {"username": "viewer", "password": "viewer-password"}).text
    Client(sim.api_url, token).get(WEB1 + "?view=overview")
    demo_key.put(WEB1, {"cores": 3})
    Client(sim.api_url).get("/definitions")
    ctl.get("/")  # control requests are not logged
    log = ctl.requests(since=start)
    entries = log["requests"]
    assert [
        (e["service"], e["method"], e["path"], e["status"], e["user"], e["token_kind"])
        for e in entries
    ] == [
        ("auth", "POST", "/auth/session", 200, "viewer", None),
        ("brain", "GET", WEB1, 200, "viewer", "session"),
        ("brain", "PUT", WEB1, 200, "demo", "apikey"),
        ("brain", "GET", "/definitions", 200, None, None),
    ]
    assert entries[1]["query"] == "view=overview"
    assert log["last_seq"] == entries[-1]["seq"] and all(
        isinstance(e["ts"], float) for e in entries
    )
    assert ctl.requests(since=log["last_seq"])["requests"] == []
    assert ctl.delete("/requests").status == 204
    assert ctl.requests()["requests"] == []


def test_faulted_requests_are_logged(ctl: Control, demo: Client) -> None:
    fault = ctl.fault(path="^/accounts$", status=503, times=1)
    demo.get("/accounts")
    last = ctl.requests()["requests"][-1]
    assert last["status"] == 503 and last["fault"] == fault


def test_reset_clears_faults_barriers_and_log(sim, ctl: Control, demo: Client) -> None:
    ctl.fault(path=".*", status=500)
    ctl.post("/barriers", {"name": "b", "path": "nothing"})
    assert ctl.post("/reset").json() == {"reset": True}
    assert ctl.get("/faults").json() == [] and ctl.get("/barriers").json() == []
    assert ctl.requests()["requests"] == []
    assert demo.get("/accounts").status == 401  # sessions are gone too
