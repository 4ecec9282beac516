"""The drills' own judgement, on hand-made request logs: what counts as the same write sent
twice, and how soon the pages were back."""

from __future__ import annotations

from drill.checks import duplicate_writes
from drill.pages import PageWatch
from drill.scenario import restarted

VM = "/accounts/demo/groups/5/virtual_machines/17"


def _request(method: str, path: str = VM, body: str = "b1", fault: int | None = None) -> dict:
    return {"method": method, "path": path, "status": 200, "body_sha256": body, "fault": fault}


def test_the_same_write_twice_without_a_read_between_is_a_duplicate() -> None:
    log = [_request("PUT"), _request("PUT")]
    assert duplicate_writes(log, [17]) == [f"PUT {VM} twice without a read between"]


def test_a_read_between_or_another_body_is_not() -> None:
    assert duplicate_writes([_request("PUT"), _request("GET"), _request("PUT")], [17]) == []
    assert duplicate_writes([_request("PUT"), _request("PUT", body="b2")], [17]) == []


def test_a_write_a_fault_answered_never_reached_the_brain() -> None:
    # A 503 from the outage, then the client's retry: BigV saw one write.
    log = [{**_request("PUT"), "status": 503, "fault": 1}, _request("PUT")]
    assert duplicate_writes(log, [17]) == []


def test_pages_are_back_after_the_last_bad_round() -> None:
    watch = PageWatch.__new__(PageWatch)  # no login: only the arithmetic
    watch.rounds = [(1.0, True), (2.0, False), (3.0, False), (4.0, True), (5.0, True)]
    assert watch.failed_rounds() == 2
    assert watch.back_after(2.5) == 1.5
    assert watch.back_after(10.0) == 0.0
    watch.rounds.append((6.0, False))
    assert watch.back_after(2.5) is None


def test_the_restarts_column_counts_this_drills_restarts_only() -> None:
    assert restarted({"worker": 1, "web": 0}, {"worker": 2, "web": 0}) == "worker 1"
    assert restarted({"worker": 1}, {"worker": 1}) == "none"
    assert restarted({}, {"beat": 1, "worker": 3}) == "beat 1, worker 3"
