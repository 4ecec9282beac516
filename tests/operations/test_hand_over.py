"""A run task starts the run it would enqueue for now itself, once; the rest go to the queue."""

from __future__ import annotations

from typing import Any

import pytest

from panel.operations import dispatch
from panel.operations.tasks import run_operation


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """What reached the broker: (operation id, options) per message."""
    sent: list[tuple[str, dict[str, Any]]] = []

    def apply_async(args: tuple[str], **options: Any) -> None:
        sent.append((args[0], options))

    monkeypatch.setattr(run_operation, "apply_async", apply_async)
    return sent


def test_the_run_due_now_is_started_by_the_same_task_after_its_own(queue: list) -> None:
    runs: list[tuple[str, str]] = []

    def run(op_id: str, task_id: str) -> None:
        runs.append((op_id, task_id))
        if op_id == "a":
            assert dispatch.send("b", task_id="task-b") is True
            assert runs == [("a", "task-1")]  # not started inside the first run

    dispatch.run_and_continue(run, "a", "task-1")
    assert runs == [("a", "task-1"), ("b", "task-b")]  # with the task id its lease names
    assert queue == []


def test_only_one_run_is_handed_over_and_later_ones_are_queued(queue: list) -> None:
    runs: list[str] = []

    def run(op_id: str, task_id: str) -> None:
        runs.append(op_id)
        if op_id == "a":
            dispatch.send("poll-a", task_id="t-poll", countdown=0.25)  # due later: the queue
            dispatch.send("b", task_id="t-b")
            dispatch.send("c", task_id="t-c")
        if op_id == "b":
            dispatch.send("d", task_id="t-d")  # the continuation hands over nothing more

    dispatch.run_and_continue(run, "a", "t-a")
    assert runs == ["a", "b"]
    assert queue == [
        ("poll-a", {"task_id": "t-poll", "countdown": 0.25}),
        ("c", {"task_id": "t-c"}),
        ("d", {"task_id": "t-d"}),
    ]


def test_a_failed_run_sends_what_it_handed_over_to_the_queue(queue: list) -> None:
    def run(op_id: str, task_id: str) -> None:
        dispatch.send("b", task_id="t-b")
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError, match="step failed"):
        dispatch.run_and_continue(run, "a", "t-a")
    assert queue == [("b", {"task_id": "t-b"})]


def test_outside_a_run_task_every_send_goes_to_the_queue(queue: list) -> None:
    assert dispatch.send("a", task_id="t-a") is True
    assert queue == [("a", {"task_id": "t-a"})]
