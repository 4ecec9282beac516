"""Cancelling, and bulk changes with a concurrency limit and "stop after N failures"."""

from __future__ import annotations

import pytest

from panel.audit import Action
from panel.credentials.clients import client_for
from panel.operations.models import Batch, Operation
from panel.operations.services import operation_cancel
from panel.vm_changes.services import batch_start, plan_spec_change
from tests.operations.checks import assert_audit_complete
from tests.operations.helpers import (
    actor_for,
    audit_of,
    chain_nth,
    plan_and_start,
    ref,
    release,
    sim_call,
    sim_patch,
    sim_vm,
    vm_id_of,
    wait_for,
    wait_terminal,
    write_path,
)

pytestmark = pytest.mark.xdist_group("celery")


def test_cancel_while_the_os_ignores_acpi_leaves_it_running_without_a_hard_off(
    worker, alice, bob, sim
):
    """The shutdown cannot be recalled, so the cancel waits out the grace period; the OS never
    shut down, so nothing is powered off hard: the VM simply stays as it was."""
    vm_id = vm_id_of(sim, "web1")
    sim_patch(sim, vm_id, ignore_acpi=True)
    op = plan_and_start(
        alice, plan_spec_change, ref=ref("web1"), cores=4, memory=4096, grace_seconds=3
    )

    def waiting() -> bool:
        log = Operation.objects.get(pk=op.pk).step_log
        return bool(log) and bool(log[0]["state"].get("signalled"))

    wait_for(waiting, 20, "the ACPI wait")
    operation_cancel(actor=actor_for(bob), operation=op)
    op = wait_terminal(op)
    assert op.status == "cancelled", (op.error, op.step_log)
    assert op.error.startswith("Cancelled before: cores 2→4"), op.error
    assert op.step_log[0]["detail"].startswith("still running"), op.step_log[0]
    writes = [e.action for e in audit_of(op) if not e.action.startswith("operation.")]
    assert "vm.power_off" not in writes, writes
    vm = sim_vm(sim, vm_id)
    assert (vm["power_on"], vm["autoreboot_on"], vm["cores"], vm["memory"]) == (True, True, 2, 2048)
    cancel = [e for e in audit_of(op) if e.action == Action.OPERATION_CANCEL]
    assert [e.actor_username for e in cancel] == ["bob"]
    assert_audit_complete(op)


def test_cancel_during_an_acpi_shutdown_waits_for_it_then_powers_the_vm_on(worker, alice, sim):
    """The guest honours the shutdown slowly: the cancel cannot recall it, so the panel says
    so, lets it finish, and only then puts the VM back — running, as it was, and verified."""
    sim_call(sim, "POST", "/speed", {"timings": {"acpi_shutdown_seconds": 150}})  # 3 s
    vm_id = vm_id_of(sim, "web1")
    op = plan_and_start(
        alice, plan_spec_change, ref=ref("web1"), cores=4, memory=4096, grace_seconds=30
    )

    def shutting_down() -> Operation | None:
        row = Operation.objects.get(pk=op.pk)
        return row if row.cannot_recall else None

    row = wait_for(shutting_down, 20, "the ACPI shutdown under way")
    assert "powered on again" in row.cannot_recall
    operation_cancel(actor=actor_for(alice), operation=op)
    assert sim_vm(sim, vm_id)["power_on"], "the guest is still shutting down"
    op = wait_terminal(op)
    assert op.status == "cancelled", (op.error, op.step_log)
    assert op.step_log[0]["detail"] == "powered off"  # the shutdown ran to its end
    restore = [e for e in op.step_log if e["step"] == "undo_power"]
    assert restore and restore[0]["detail"] == "powered on", op.step_log
    verify = [e for e in op.step_log if e["step"] == "undo_verify"]
    assert verify[-1]["status"] == "done", op.step_log
    vm = sim_vm(sim, vm_id)
    assert (vm["power_on"], vm["autoreboot_on"], vm["cores"], vm["memory"]) == (True, True, 2, 2048)
    assert_audit_complete(op)


def _refs(*names):
    return [ref(name) for name in names]


def _max_overlap(ops):
    points = sorted(
        [(op.started_at, 1) for op in ops if op.started_at]
        + [(op.finished_at, -1) for op in ops if op.started_at]
    )
    now = peak = 0
    for _, delta in points:
        now += delta
        peak = max(peak, now)
    return peak


def test_batch_graceful_restart_with_concurrency_limit(worker, alice, sim):
    with client_for(alice) as client:
        batch = batch_start(
            actor=actor_for(alice),
            client=client,
            refs=_refs("web1", "web2", "web3", "db1", "db2"),
            kind="graceful_restart",
            params={"grace_seconds": 5},
            concurrency=2,
            stop_after_failures=0,
        )
    assert batch.skipped == [{"vm": "db2 in demo/db", "reason": "db2 is already powered off."}]
    wait_for(lambda: Batch.objects.get(pk=batch.pk).finished_at, 30, "the batch to finish")
    batch.refresh_from_db()
    ops = list(Operation.objects.filter(batch=batch))
    assert batch.status == "finished"
    assert sorted(op.vm_name for op in ops) == ["db1", "web1", "web2", "web3"]
    assert {op.status for op in ops} == {"succeeded"}
    assert _max_overlap(ops) <= 2
    assert batch.counts["succeeded"] == 4


def test_batch_starts_work_while_planning_and_finishes_only_once_planned(worker, alice, sim):
    def refs_planned_slowly():
        yield ref("web1")
        # web1 runs (and even ends) before web2 is planned: the workers are not idle while
        # a long selection is planned, and the batch does not finish with web1 alone.
        web1 = wait_for(lambda: Operation.objects.filter(vm_name="web1").first(), 10, "web1")
        assert wait_terminal(web1).status == "succeeded"
        assert Batch.objects.get(pk=web1.batch_id).finished_at is None
        yield ref("web2")

    with client_for(alice) as client:
        batch = batch_start(
            actor=actor_for(alice),
            client=client,
            refs=refs_planned_slowly(),
            kind="power_off",
            params={},
            concurrency=1,
            stop_after_failures=0,
        )
    assert batch.planned_at is not None
    wait_for(lambda: Batch.objects.get(pk=batch.pk).finished_at, 30, "the batch to finish")
    assert Batch.objects.get(pk=batch.pk).counts["succeeded"] == 2


def test_batch_stops_after_n_failures_and_cancels_the_rest(worker, alice, sim):
    sim_patch(sim, vm_id_of(sim, "web1"), ignore_acpi=True)
    with client_for(alice) as client:
        batch = batch_start(
            actor=actor_for(alice),
            client=client,
            refs=_refs("web1", "web2", "web3", "db1"),
            kind="graceful_shutdown",
            params={"grace_seconds": 0.3, "hard_off": False},
            concurrency=1,
            stop_after_failures=1,
        )
    wait_for(lambda: Batch.objects.get(pk=batch.pk).finished_at, 30, "the batch to stop")
    batch.refresh_from_db()
    assert batch.status == "stopped"
    by_vm = {op.vm_name: op for op in Operation.objects.filter(batch=batch)}
    assert by_vm["web1"].status == "rolled_back"  # ACPI ignored, hard off not allowed
    for name in ("web2", "web3", "db1"):
        assert by_vm[name].status == "cancelled"
        assert by_vm[name].started_at is None
        assert sim_vm(sim, vm_id_of(sim, name))["power_on"] is True
    assert sim_vm(sim, vm_id_of(sim, "web1"))["power_on"] is True
    assert batch.failure_count == 1


def test_cancel_a_queued_batch_operation_ends_it_at_once(worker, alice, sim):
    chain = chain_nth(sim, "PUT", write_path("web1"), 1)  # web1's hard off: web2 must wait
    with client_for(alice) as client:
        batch = batch_start(
            actor=actor_for(alice),
            client=client,
            refs=_refs("web1", "web2"),
            kind="power_off",
            params={},
            concurrency=1,
            stop_after_failures=0,
        )
    held = chain.hold()
    queued = Operation.objects.get(batch=batch, vm_name="web2")
    assert queued.enqueued_at is None
    queued = operation_cancel(actor=actor_for(alice), operation=queued)
    assert queued.status == "cancelled"
    release(sim, held)
    wait_for(lambda: Batch.objects.get(pk=batch.pk).finished_at, 30, "the batch to finish")
    assert Operation.objects.get(batch=batch, vm_name="web1").status == "succeeded"
    assert sim_vm(sim, vm_id_of(sim, "web2"))["power_on"] is True
    assert Batch.objects.get(pk=batch.pk).status == "finished"


def test_power_off_batch(worker, alice, sim):
    with client_for(alice) as client:
        batch = batch_start(
            actor=actor_for(alice),
            client=client,
            refs=_refs("web1", "web2", "web3", "mail"),
            kind="power_off",
            params={},
            concurrency=3,
            stop_after_failures=2,
        )
    wait_for(lambda: Batch.objects.get(pk=batch.pk).finished_at, 30, "the batch to finish")
    for name in ("web1", "web2", "web3", "mail"):
        assert sim_vm(sim, vm_id_of(sim, name))["power_on"] is False
    assert Batch.objects.get(pk=batch.pk).counts["succeeded"] == 4
