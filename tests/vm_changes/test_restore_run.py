"""Restoring a backup as an operation, on a real worker against the simulator: the VM on and
off, a failure at each step (the power state put back, never the data), and the bulk backup.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from panel.audit import Action
from panel.vm_changes.services import plan_backup_discs, plan_reimage, plan_restore
from tests.operations.checks import assert_audit_complete
from tests.operations.helpers import (
    audit_of,
    fault,
    plan_and_start,
    ref,
    sim_vm,
    vm_id_of,
    wait_terminal,
    write_path,
)
from tests.vm_changes.backup_helpers import backup_count, disc_of, finished_backup, restoring

pytestmark = pytest.mark.xdist_group("celery")

RESTORE = ("PUT", r"/backups/\d+$")


def _power(sim: Any, name: str) -> tuple[bool, bool]:
    vm = sim_vm(sim, vm_id_of(sim, name))
    return vm["power_on"], vm["autoreboot_on"]


def _restore(alice: Any, sim: Any, name: str) -> Any:
    disc_id, backup_id = finished_backup(sim, name)
    return plan_and_start(
        alice, plan_restore, ref=ref(name), disc_id=disc_id, backup_id=backup_id, grace_seconds=5
    )


@pytest.mark.parametrize("name", ["web1", "db2"])  # running / powered off
def test_restore_ends_in_the_original_power_state(worker, alice, sim, name):
    before = _power(sim, name)
    disc = disc_of(sim, name)
    count = backup_count(sim, disc.id) + 1  # the backup about to be restored
    op = wait_terminal(_restore(alice, sim, name))
    assert op.status == "succeeded", (op.error, op.step_log)
    assert _power(sim, name) == before
    assert not restoring(sim, disc.id)
    assert backup_count(sim, disc.id) == count + 1  # BigV backed the disc up first
    steps = [entry["step"] for entry in op.step_log]
    on = ["power_off"] if before[0] else []
    again = ["power_on"] if before[0] else []
    assert steps == [*on, "restore_backup", "wait_restored", *again, "verify"]
    restored = [e for e in audit_of(op) if e.action == Action.BACKUP_RESTORE]
    assert [e.outcome for e in restored] == ["succeeded"]
    assert_audit_complete(op)


REFUSED = {"status": 400, "body": json.dumps({"restore": ["refused by the test"]}), "times": 1}
ERRORS = {"status": 500, "times": 2}  # 1 + the step's retry in tests
WHERE = {
    "power_off": ("PUT", write_path("web1"), 0),
    "restore": (*RESTORE, 0),
    "power_on": ("PUT", write_path("web1"), 1),
}


@pytest.mark.parametrize("kind", ["refused", "500s"])
@pytest.mark.parametrize("where", sorted(WHERE))
def test_failure_at_each_step_puts_the_power_back(worker, alice, sim, where, kind):
    before = _power(sim, "web1")
    disc = disc_of(sim, "web1")
    method, path, skip = WHERE[where]
    fault(
        sim,
        method,
        path,
        skip=skip,
        content_type="application/json",
        **(REFUSED if kind == "refused" else ERRORS),
    )
    op = wait_terminal(_restore(alice, sim, "web1"))
    assert op.status in ("rolled_back", "failed"), (op.status, op.error, op.attention)
    assert _power(sim, "web1") == before
    assert not restoring(sim, disc.id)
    assert_audit_complete(op)
    if op.status == "rolled_back":
        names = [step["name"] for step in op.plan[op.compensation_start :]]
        assert names[0] == "undo_wait_restored" and names[-1] == "undo_verify"
    # Only a refusal of the very first write leaves nothing to put back.
    assert op.status == ("failed" if (where, kind) == ("power_off", "refused") else "rolled_back")


def test_a_failure_after_the_restore_waits_for_it_before_powering_on(worker, alice, sim):
    """The power-on is refused while the disc is being restored: the undo waits first."""
    disc_id, backup_id = finished_backup(sim, "web1")
    fault(sim, "PUT", write_path("web1"), skip=1, status=500, times=2)
    op = plan_and_start(
        alice, plan_restore, ref=ref("web1"), disc_id=disc_id, backup_id=backup_id, grace_seconds=5
    )
    op = wait_terminal(op)
    assert op.status == "rolled_back", (op.error, op.step_log)
    assert _power(sim, "web1") == (True, True)
    undo = [e for e in op.step_log if e["index"] >= op.compensation_start]
    assert undo[0]["step"] == "undo_wait_restored"


def test_bulk_backup_plan_backs_up_every_disc(worker, alice, sim):
    discs = [disc_of(sim, "db1", i).id for i in (0, 1)]
    counts = [backup_count(sim, d) for d in discs]
    op = wait_terminal(plan_and_start(alice, plan_backup_discs, ref=ref("db1")))
    assert op.status == "succeeded", (op.error, op.step_log)
    assert [backup_count(sim, d) for d in discs] == [c + 1 for c in counts]
    assert _power(sim, "db1") == (True, True)
    assert_audit_complete(op)


def test_reimage_takes_a_backup_of_the_main_disc_first(worker, alice, sim):
    disc = disc_of(sim, "db2")
    count = backup_count(sim, disc.id)
    op = plan_and_start(
        alice,
        plan_reimage,
        ref=ref("db2"),
        distribution="bookworm",
        grace_seconds=5,
        backup_first=True,
        secret_params={"root_password": "Reimage-pw-1234"},
    )
    op = wait_terminal(op)
    assert op.status == "succeeded", (op.error, op.step_log)
    steps = [entry["step"] for entry in op.step_log]
    assert steps[:3] == ["backup_discs", "wait_backups", "reimage"]
    assert backup_count(sim, disc.id) == count + 1
    assert sim_vm(sim, vm_id_of(sim, "db2"))["last_imaged_with"] == "bookworm"


def test_bulk_backup_as_a_batch(worker, alice, sim):
    """The bulk bar's "back up their discs now": one operation per VM, each planned from its
    live state through the batch registry (``plan_for_batch``)."""
    from panel.credentials.clients import client_for
    from panel.operations import batches
    from panel.vm_changes.kinds import BATCH_KINDS
    from panel.vm_changes.plans import plan_for_batch
    from tests.operations.helpers import actor_for, wait_for

    assert "backup_discs" in BATCH_KINDS
    names = ["web2", "db2"]
    discs = [disc_of(sim, name).id for name in names]
    counts = [backup_count(sim, d) for d in discs]
    with client_for(alice) as client:
        batch = batches.batch_start(
            actor=actor_for(alice),
            kind="backup_discs",
            params={},
            concurrency=2,
            stop_after_failures=1,
            targets=[ref(name) for name in names],
            plan=lambda target: plan_for_batch(
                client=client, ref=target, kind="backup_discs", params={}
            ),
            label=lambda target: target.label,
        )
    wait_for(lambda: type(batch).objects.get(pk=batch.pk).finished_at, 30, "the batch to end")
    from panel.operations.models import Operation

    ops = Operation.objects.filter(batch_id=batch.pk)
    assert sorted((op.vm_name, op.kind, op.status) for op in ops) == [
        ("db2", "backup_discs", "succeeded"),
        ("web2", "backup_discs", "succeeded"),
    ]
    assert [backup_count(sim, d) for d in discs] == [c + 1 for c in counts]
