"""The reconciler (Celery beat inside the test worker) resumes what the broker lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from panel.operations import dispatch, reconciler
from panel.operations.models import Batch
from panel.vm_changes.services import plan_spec_change
from tests.operations.helpers import plan_and_start, ref, sim_vm, vm_id_of, wait_terminal

pytestmark = pytest.mark.xdist_group("celery")


def test_an_operation_whose_task_was_never_delivered_is_resumed(worker, alice, sim, monkeypatch):
    # Redis "down" at the click: the task is never sent (dispatch logs and returns).
    monkeypatch.setattr(dispatch, "send", lambda *args, **kwargs: None)
    op = plan_and_start(alice, plan_spec_change, ref=ref("db2"), cores=2, memory=4096)
    assert op.status == "pending"
    op = wait_terminal(op, timeout=30)  # lease (5 s) expires, beat's reconciler resends
    assert op.status == "succeeded"
    assert sim_vm(sim, vm_id_of(sim, "db2"))["memory"] == 4096
    assert f"operation {op.pk}: lease abandoned; resuming" in worker.log_text()


@pytest.mark.django_db
def test_a_batch_whose_planner_died_is_closed_and_finishes(alice):
    # The web process died mid-planning: planned_at never set, nothing left running.
    started = timezone.now() - reconciler.PLANNING_ABANDONED_AFTER - dt.timedelta(seconds=1)
    batch = Batch.objects.create(
        actor=alice, actor_username="alice", kind="power_off", created_at=started
    )
    fresh = Batch.objects.create(actor=alice, actor_username="alice", kind="power_off")
    reconciler.reconcile()
    batch.refresh_from_db()
    assert batch.planned_at is not None and batch.finished_at is not None
    assert batch.status == "finished"
    assert Batch.objects.get(pk=fresh.pk).finished_at is None  # may still be planning
