"""A poll that only looks (panel/operations/looks.py): while a wait finds nothing new, its
poll reads and writes nothing — no claim, no hand-over, no nudge to the pages — and sends the
next poll to the same lease holder. Anything else is left to the full run, untouched."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from panel.activity.templatetags.activity_tags import step_rows
from panel.audit import Action
from panel.audit.models import AuditEntry
from panel.bigv import ServerError
from panel.credentials.models import BigVCredential
from panel.operations import claims, dispatch, engine, looks, signals
from panel.operations.models import Operation
from panel.operations.steps import Done, Wait
from panel.operations.tasks import run_operation
from tests.operations.helpers import one_step_operation

# What the step does at its next call, by operation id: "wait" (the same wait again),
# "note" (a wait with news), "store" (a deadline to keep), "call" (a write to BigV), "done".
NEXT: dict[str, str] = {}
CALLED: list[str] = []
UNTIL = 2_000_000_000.0  # the wait's deadline, far ahead


def _step(ctx: Any) -> Any:
    what = NEXT.get(str(ctx.op.pk), "wait")
    if what == "done":
        return Done("over")
    if what == "store":
        ctx.deadline("second_deadline", 30)
    if what == "call":
        ctx.write(Action.VM_POWERDOWN, "ACPI powerdown", lambda: CALLED.append("powerdown"))
    if what == "broken":
        raise RuntimeError("a bug")
    if what == "outage":
        CALLED.append("read")
        raise ServerError(500, "Internal Server Error")
    note = "waiting, with news" if what == "note" else "waiting"
    return Wait(0.25, note, until=UNTIL)


@pytest.fixture
def outbox(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    def send(op_id: Any, *, task_id: str, countdown: float = 0.0, holder: str = "") -> bool:
        sent.append({"task_id": task_id, "countdown": countdown, "holder": holder})
        return True

    monkeypatch.setattr(dispatch, "send", send)
    return sent


@pytest.fixture
def nudged(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []
    monkeypatch.setattr(signals, "changed", lambda op: seen.append(op.pk))
    return seen


@pytest.fixture
def waiting(db: Any, sim: Any, outbox: list[dict[str, Any]]) -> tuple[Operation, str]:
    """An operation whose step waits, after its first full run: (the row, the lease holder)."""
    op = one_step_operation("lou", "test_looking", "wait", _step)
    engine.run(str(op.pk), task_id="t0")
    holder = outbox[-1]["holder"]
    assert outbox[-1]["task_id"] == holder  # the full run sends its poll to the new holder
    return Operation.objects.get(pk=op.pk), holder


def _poll(op: Operation, holder: str, what: str) -> None:
    """The poll task for ``holder``, with the step doing ``what`` (see ``NEXT``)."""
    NEXT[str(op.pk)] = what
    try:
        run_operation(str(op.pk), holder=holder)
    finally:
        NEXT.pop(str(op.pk), None)


def _row(op: Operation) -> tuple[Any, ...]:
    row = Operation.objects.get(pk=op.pk)
    return (row.epoch, row.lease_owner, row.lease_expires_at, row.updated_at, row.step_log)


def test_a_poll_that_finds_nothing_new_writes_nothing_and_sends_the_next_to_its_holder(
    waiting: tuple[Operation, str], outbox: list[dict[str, Any]], nudged: list[Any]
) -> None:
    op, holder = waiting
    before = _row(op)
    audited = AuditEntry.objects.count()
    outbox.clear()

    assert looks.look(str(op.pk), holder).quiet is True

    assert _row(op) == before  # no claim, no hand-over, not a byte of the step's record
    assert nudged == []
    assert AuditEntry.objects.count() == audited
    [poll] = outbox
    assert poll["holder"] == holder and poll["task_id"] != holder
    assert poll["countdown"] == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("what", "why"),
    [
        ("note", "the wait has news"),
        ("store", "the step stores a deadline"),
        ("call", "the step calls BigV"),
        ("done", "the step is over"),
        ("broken", "the step fails"),
        ("outage", "BigV does not answer"),
    ],
)
def test_anything_but_the_same_wait_is_left_to_the_full_run_untouched(
    waiting: tuple[Operation, str], outbox: list[dict[str, Any]], what: str, why: str
) -> None:
    op, holder = waiting
    before = _row(op)
    outbox.clear()
    NEXT[str(op.pk)] = what
    try:
        assert looks.look(str(op.pk), holder).quiet is False, why
    finally:
        NEXT.pop(str(op.pk), None)
    assert _row(op) == before
    assert outbox == []
    assert "powerdown" not in CALLED  # the write was refused before the call
    CALLED.clear()


def test_what_the_step_raised_while_looking_is_its_outcome_in_the_full_run(
    waiting: tuple[Operation, str], outbox: list[dict[str, Any]]
) -> None:
    """A poll's failed call counts once: the full run does not call BigV again for it."""
    op, holder = waiting
    _poll(op, holder, "outage")
    assert CALLED == ["read"]
    CALLED.clear()
    entry = Operation.objects.get(pk=op.pk).step_log[0]
    assert entry["attempts"] == 1 and entry["status"] == "running"
    assert entry["detail"].startswith("BigV had an internal error")
    assert "Trying again in" in entry["detail"]


def test_a_poll_that_has_news_runs_in_full_under_its_holder(
    waiting: tuple[Operation, str], outbox: list[dict[str, Any]], nudged: list[Any]
) -> None:
    op, holder = waiting
    _poll(op, holder, "note")
    row = Operation.objects.get(pk=op.pk)
    assert row.epoch == op.epoch + 1  # claimed with the holder's id
    assert row.step_log[0]["detail"] == "waiting, with news"
    assert nudged == [op.pk]
    assert row.lease_owner == claims.resume_token(outbox[-1]["holder"])
    assert outbox[-1]["holder"] != holder  # handed over to a new holder


def test_no_look_when_cancel_is_asked_the_lease_is_another_s_or_running_short(
    waiting: tuple[Operation, str], outbox: list[dict[str, Any]], settings: Any
) -> None:
    op, holder = waiting
    outbox.clear()
    assert looks.look(str(op.pk), "another-task") == looks.FULL

    Operation.objects.filter(pk=op.pk).update(cancel_requested=True)
    assert looks.look(str(op.pk), holder).quiet is False
    Operation.objects.filter(pk=op.pk).update(cancel_requested=False)

    # Less than half a lease beyond the next poll: the full run renews it.
    settings.OPERATIONS_LEASE_SECONDS = 90
    soon = timezone.now() + dt.timedelta(seconds=40)
    Operation.objects.filter(pk=op.pk).update(lease_expires_at=soon)
    assert looks.look(str(op.pk), holder).quiet is False
    Operation.objects.filter(pk=op.pk).update(lease_expires_at=soon + dt.timedelta(seconds=10))
    assert looks.look(str(op.pk), holder).quiet is True
    assert outbox[-1]["holder"] == holder


def test_a_stale_chain_ends_at_the_claim_once_the_lease_has_a_new_holder(
    waiting: tuple[Operation, str], outbox: list[dict[str, Any]]
) -> None:
    """A poll delivered twice makes two chains; the next full run hands the lease on, and the
    other chain's poll neither looks nor runs."""
    op, holder = waiting
    _poll(op, holder, "note")  # the full run: a new holder
    after = _row(op)
    outbox.clear()
    _poll(op, holder, "note")  # the twin chain's poll
    assert _row(op) == after
    assert outbox == []


def test_the_page_counts_a_wait_down_to_its_deadline(waiting: tuple[Operation, str]) -> None:
    op, _ = waiting
    entry = op.step_log[0]
    assert entry["until"] == UNTIL and entry["detail"] == "waiting"
    Operation.objects.filter(pk=op.pk).update(step_log=[{**entry, "until": _in(75)}])
    op = Operation.objects.get(pk=op.pk)
    [row] = step_rows(op)
    assert row.left in (74, 75)
    html = render_to_string("activity/_live_detail.html", {"op": op})
    assert f'data-op-countdown="{row.left}"' in html
    assert "waiting (<span" in html and "1 min 1" in html and "</span> left)" in html


def _in(seconds: float) -> float:
    return timezone.now().timestamp() + seconds


def test_a_credential_that_cannot_be_used_is_the_full_run_s_to_report(
    waiting: tuple[Operation, str], outbox: list[dict[str, Any]]
) -> None:
    """Not the step's outcome: the look makes no call and hands nothing on."""
    op, holder = waiting
    BigVCredential.objects.filter(user_id=op.actor_id).delete()
    assert looks.look(str(op.pk), holder) == looks.FULL
    run_operation(str(op.pk), holder=holder)
    row = Operation.objects.get(pk=op.pk)
    assert row.status == "failed"
    assert "BigV credential cannot be used" in row.error
