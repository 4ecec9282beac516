"""What the pages say about an operation's run, in-process: whether a worker looks after it,
what a takeover writes down, the before → after of its finish, and a batch that ends."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from panel.activity.selectors import team_state
from panel.operations import batches, journal, selectors, signals
from panel.operations.models import Batch
from panel.vm_changes.describe import before_after
from tests.operations.conftest import connected_user
from tests.operations.helpers import operation_row

NOW = dt.datetime(2026, 12, 3, 11, 0, 0, tzinfo=dt.UTC)


def _op(**values: Any) -> Any:
    base = {"is_terminal": False, "enqueued_at": NOW, "lease_expires_at": None}
    return SimpleNamespace(**{**base, **values})


def test_an_operation_is_unattended_only_once_a_lease_has_gone_by(settings) -> None:
    settings.OPERATIONS_LEASE_SECONDS = 45
    lease = dt.timedelta(seconds=45)
    held = _op(lease_expires_at=NOW + lease)  # a worker renewed its lease just now
    assert selectors.unattended_seconds(held, NOW) is None
    assert selectors.unattended_seconds(held, NOW + lease) is None
    assert selectors.unattended_seconds(held, NOW + lease + dt.timedelta(seconds=8)) == 53
    waiting = _op(lease_expires_at=NOW + dt.timedelta(seconds=30) + lease)  # a 30 s wait
    assert selectors.unattended_seconds(waiting, NOW + dt.timedelta(seconds=70)) is None
    assert selectors.unattended_seconds(waiting, NOW + dt.timedelta(seconds=80)) == 50
    never_claimed = _op()
    assert selectors.unattended_seconds(never_claimed, NOW + dt.timedelta(seconds=60)) == 60
    in_line = _op(enqueued_at=None)  # waiting its turn in a batch: no worker owes it anything
    assert selectors.unattended_seconds(in_line, NOW + dt.timedelta(hours=1)) is None
    ended = _op(is_terminal=True, lease_expires_at=NOW)
    assert selectors.unattended_seconds(ended, NOW + dt.timedelta(hours=1)) is None


@pytest.fixture
def dave(db, sim):
    return connected_user("dave", "apikey.demo-key")


_row = operation_row


def test_the_header_counts_what_no_worker_looks_after(dave, settings) -> None:
    settings.OPERATIONS_LEASE_SECONDS = 45
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    _row(dave, lease_expires_at=long_ago, enqueued_at=long_ago - dt.timedelta(seconds=1))
    _row(
        dave, vm_id=2, target_key="vm:2", lease_expires_at=timezone.now() + dt.timedelta(seconds=60)
    )

    team = team_state(dave)

    assert team.count == 2
    assert team.unattended == 1
    assert team.unattended_for >= 5 * 60 + 45


def test_a_takeover_is_written_as_worker_lost_then_resumed() -> None:
    op = SimpleNamespace(events=[], step_index=2)
    heard = NOW - dt.timedelta(seconds=95)

    event = journal.resumed(op, by="vm:4242:abc123def456", last_heard=heard, now=NOW)

    assert op.events == [event]
    assert event["kind"] == journal.WORKER_LOST and event["step_index"] == 2
    assert event["text"].startswith("Worker lost at ")
    assert "(nothing heard for 95 s); resumed by pid 4242 on vm at " in event["text"]


def test_the_finish_entry_says_before_and_after_in_a_persons_terms() -> None:
    op = SimpleNamespace(
        original={
            "power_on": True,
            "autoreboot_on": True,
            "cores": 2,
            "memory": 2048,
            "hardware_profile": "virtio2013",
            "hardware_profile_locked": False,
            "group": "web",
            "group_id": 2,
        },
        params={"target_group_id": 3, "target_group": "db"},
        step_log=[
            {"step": "move", "status": "done", "state": {}},
            {
                "step": "verify",
                "status": "done",
                "state": {"seen": {"power_on": True, "group_id": 3}},
            },
        ],
    )

    before, after = before_after(op)

    assert before is not None and before["group"] == "web" and before["cores"] == 2
    assert after == {**before, "group": "db"}


def test_a_batch_announces_that_it_finished_when_its_last_operation_does(
    dave, django_capture_on_commit_callbacks
) -> None:
    batch = Batch.objects.create(
        actor=dave, actor_username="dave", kind="spec_change", planned_at=timezone.now()
    )
    _row(dave, batch=batch, status="succeeded", finished_at=timezone.now())
    heard: list[str] = []

    def note(sender: Any, batch: Batch, **kwargs: Any) -> None:
        heard.append(str(batch.status))

    signals.batch_changed.connect(note)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            batches.fill(batch.pk)
    finally:
        signals.batch_changed.disconnect(note)

    assert heard == ["finished"]
    batch.refresh_from_db()
    assert batch.finished_at is not None


def test_an_operation_the_workers_cannot_be_sent_says_it_waits_for_them(dave, monkeypatch) -> None:
    """Redis down when an operation starts: nothing raises, and the row says why it waits
    (once per outage, however often the reconciler tries again)."""
    from kombu.exceptions import OperationalError

    from panel.operations import dispatch
    from panel.operations.tasks import run_operation

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_operation, "apply_async", refuse)
    op = _row(dave)

    assert dispatch.send(op.pk, task_id="t-1") is False
    assert dispatch.send(op.pk, task_id="t-2") is False

    op.refresh_from_db()
    assert [event["kind"] for event in op.events] == [journal.NOT_QUEUED]
    assert "this starts when they can be reached again" in op.events[0]["text"]
