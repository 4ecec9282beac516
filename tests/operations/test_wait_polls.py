"""A waiting step polls often; the row is written and the pages nudged only when the step's
record changed — one write per poll (the hand-over), not two. Its polls keep their cadence."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from panel.operations import claims, dispatch, engine, signals
from panel.operations.models import Operation
from panel.operations.steps import Done, StepContext, Wait
from tests.operations.helpers import one_step_operation

NOTES = ["waiting (3 s left)", "waiting (3 s left)", "waiting (2 s left)"]


_polls: dict[str, int] = {}


def _poll(ctx: Any) -> Any:
    """A wait whose record changes only with its note (its countdown), as a real one."""
    polls = _polls.get(str(ctx.op.pk), 0)
    _polls[str(ctx.op.pk)] = polls + 1
    if polls >= len(NOTES):
        return Done("over")
    return Wait(0.01, NOTES[polls])


@pytest.fixture
def polling_op(db: Any, sim: Any) -> Operation:
    return one_step_operation("pia", "test_polling", "poll", _poll)


def test_a_poll_that_finds_nothing_new_writes_only_its_hand_over(
    polling_op: Operation, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    nudged: list[Any] = []

    def send(op_id: Any, *, task_id: str, countdown: float = 0.0, holder: str = "") -> bool:
        sent.append(task_id)
        return True

    monkeypatch.setattr(dispatch, "send", send)
    monkeypatch.setattr(signals, "changed", lambda op: nudged.append(op.pk))

    def step_log() -> dict[str, Any]:
        return Operation.objects.get(pk=polling_op.pk).step_log[0]

    engine.run(str(polling_op.pk), task_id="t0")  # starts, opens the step, first poll
    assert step_log()["detail"] == NOTES[0]
    first = len(nudged)

    engine.run(str(polling_op.pk), task_id=sent[-1])  # the same countdown: nothing new
    row = Operation.objects.get(pk=polling_op.pk)
    assert len(nudged) == first  # no nudge to the pages
    assert row.lease_owner == claims.resume_token(sent[-1])  # but handed over, as always
    assert row.step_log[0]["detail"] == NOTES[1]

    engine.run(str(polling_op.pk), task_id=sent[-1])  # the countdown moved: written, nudged
    assert step_log()["detail"] == NOTES[2]
    assert len(nudged) == first + 1

    engine.run(str(polling_op.pk), task_id=sent[-1])
    assert Operation.objects.get(pk=polling_op.pk).status == "succeeded"


class _Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def _waiting_step(monkeypatch: pytest.MonkeyPatch, clock: _Clock) -> Any:
    monkeypatch.setattr(StepContext, "now", staticmethod(clock))
    op = SimpleNamespace(
        pk="op", actor_id=1, actor_username="pia", source_ip="127.0.0.1", request_id="r"
    )
    entry: dict[str, Any] = {"state": {"grace_deadline": clock.at + 60, "off_deadline": 0.0}}
    return StepContext(op=op, lease=None, client=None, args={}, entry=entry)  # type: ignore[arg-type]


def test_polls_keep_their_cadence_however_long_each_poll_takes(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A poll's own time (hand-over, queue, BigV's answer) is not added to every interval:
    a VM that is off 1 s after its shutdown is seen at the fourth 0.25 s tick, not after
    four intervals plus four polls."""
    settings.OPERATIONS_POLL_SECONDS = 0.25
    clock = _Clock(100.0)
    ctx = _waiting_step(monkeypatch, clock)
    assert ctx.poll("grace_deadline", "waiting").seconds == pytest.approx(0.25)
    clock.at = 100.31  # the first poll came 60 ms late (a busy worker)
    assert ctx.poll("grace_deadline", "waiting").seconds == pytest.approx(0.19)
    clock.at = 100.56
    assert ctx.poll("grace_deadline", "waiting").seconds == pytest.approx(0.19)
    clock.at = 100.745  # so late that the next tick is 5 ms away: a short breath at least
    assert ctx.poll("grace_deadline", "waiting").seconds == pytest.approx(0.05)
    clock.at = 100.81  # the next tick is the fourth: 1 s after the wait began
    assert ctx.poll("grace_deadline", "waiting").seconds == pytest.approx(0.19)
    assert ctx.state["polls_from"] == ["grace_deadline", 100.0]  # kept with the step's log

    # A new deadline (the hard power off after the grace) starts a cadence of its own, and
    # no wait goes past its deadline.
    clock.at = 160.07
    ctx.state["off_deadline"] = 160.2
    assert ctx.poll("off_deadline", "waiting").seconds == pytest.approx(0.13)
    assert ctx.state["polls_from"] == ["off_deadline", 160.07]
