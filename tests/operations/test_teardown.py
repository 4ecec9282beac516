"""Deleting a group with everything in it, with a real worker: one batch purges every VM
(deleted ones too) and then deletes the group; if a purge fails, the group stays."""

from __future__ import annotations

import pytest

from panel.credentials.clients import client_for
from panel.operations.models import Batch, Operation
from panel.vm_changes.teardown import group_teardown_start
from tests.operations.helpers import actor_for, fault, wait_for

pytestmark = pytest.mark.xdist_group("celery")


def _start(user, group):
    with client_for(user) as client:
        return group_teardown_start(
            actor=actor_for(user), client=client, account="demo", group=group
        )


def _finished(batch):
    return wait_for(
        lambda: Batch.objects.filter(pk=batch.pk, finished_at__isnull=False).first(), 40, "batch"
    )


def _groups(sim):
    with sim.world.lock:
        account = sim.world.accounts[sim.world.account_by_name["demo"]]
        return {g.name: len(sim.world.vm_names[g.id]) for g in sim.world.account_groups(account)}


def test_purge_everything_then_delete_the_group(worker, alice, sim):
    # A deleted VM counts for BigV: put one in the group to be purged too.
    with sim.world.lock:
        db2 = next(v for v in sim.world.vms.values() if v.name == "db2")
        db2.deleted = True
    batch = _finished(_start(alice, "db"))
    ops = list(Operation.objects.filter(batch=batch).order_by("created_at"))
    assert [(o.kind, o.status) for o in ops] == [
        ("purge", "succeeded"),
        ("purge", "succeeded"),
        ("purge", "succeeded"),
        ("group_delete", "succeeded"),
    ]
    assert "db" not in _groups(sim)
    assert batch.status == "finished"


def test_a_failed_purge_keeps_the_group(worker, alice, sim):
    fault(sim, "DELETE", r"/virtual_machines/db1$", action="status", status=400,
          body="simulated refusal", times=None)  # fmt: skip
    fault(sim, "DELETE", r"/virtual_machines/4$", action="status", status=400,
          body="simulated refusal", times=None)  # fmt: skip
    batch = _finished(_start(alice, "db"))
    statuses = dict(Operation.objects.filter(batch=batch).values_list("vm_name", "status"))
    assert statuses["db1"] == "failed"
    assert statuses["group db"] in ("cancelled", "failed")
    assert "db" in _groups(sim)  # never deleted
    assert batch.status == "stopped"
