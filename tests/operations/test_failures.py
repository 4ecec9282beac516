"""A failure at each step ends with the VM in its original power state and spec.

Faults are injected into the real simulator over HTTP: a 400 refusal, repeated 500s, an
API call that never answers (timeout), ACPI ignored, a verify that finds the wrong values.
The engine retries a failed step (STEP_RETRIES=1 in tests), then compensates: the status
ends ``rolled_back`` — or ``failed`` when nothing reached BigV — and the audit is complete.
"""

from __future__ import annotations

import json

import pytest

from panel.vm_changes.services import plan_spec_change
from tests.operations.checks import assert_audit_complete
from tests.operations.helpers import (
    READ_PATH,
    chain_nth,
    fault,
    plan_and_start,
    ref,
    release,
    sim_patch,
    sim_vm,
    vm_id_of,
    wait_terminal,
    write_path,
)

pytestmark = pytest.mark.xdist_group("celery")

ATTEMPTS = 2  # 1 + PANEL_OPERATIONS_STEP_RETRIES in tests
REFUSED = {
    "status": 400,
    "body": json.dumps({"cores": ["refused by the test"]}),
    "content_type": "application/json",
    "times": 1,
}
ERRORS = {"status": 500, "times": ATTEMPTS}
HANG = {"action": "hang", "times": ATTEMPTS}  # never answered: the client times out
FAILURES = {"refused": REFUSED, "500s": ERRORS, "timeout": HANG}

# web1 (running, auto-reboot on): PUT auto-reboot off, POST signal, PUT spec, PUT power on.
ON_WRITES = {
    "power_off/autoreboot": ("PUT", 0),
    "power_off/signal": ("POST", 0),
    "apply_spec": ("PUT", 1),
    "power_on": ("PUT", 2),
}


def _spec(sim, vm_id):
    vm = sim_vm(sim, vm_id)
    return {k: vm[k] for k in ("power_on", "autoreboot_on", "cores", "memory")}


def _check_put_back(sim, vm_id, before, op):
    assert op.status in ("rolled_back", "failed"), (op.status, op.error, op.attention, op.step_log)
    assert op.error
    assert _spec(sim, vm_id) == before
    assert sim_vm(sim, vm_id)["pending"] == {}
    assert_audit_complete(op)
    if op.status == "rolled_back":
        assert op.plan[op.compensation_start]["name"].startswith("undo_")
        assert op.step_log[-1]["step"] == "undo_verify"


@pytest.mark.parametrize("kind", sorted(FAILURES))
@pytest.mark.parametrize("where", sorted(ON_WRITES))
def test_vm_on_failure_at_each_write(worker, alice, sim, where, kind):
    vm_id = vm_id_of(sim, "web1")
    before = _spec(sim, vm_id)
    method, skip = ON_WRITES[where]
    path = r"/signal$" if where.endswith("signal") else write_path("web1")
    fault(sim, method, path, skip=skip, **FAILURES[kind])
    op = plan_and_start(
        alice, plan_spec_change, ref=ref("web1"), cores=4, memory=4096, grace_seconds=5
    )
    op = wait_terminal(op)
    _check_put_back(sim, vm_id, before, op)
    # Only a refusal of the very first write leaves nothing to put back.
    first_refused = where == "power_off/autoreboot" and kind == "refused"
    assert op.status == ("failed" if first_refused else "rolled_back")


def test_vm_on_acpi_ignored(worker, alice, sim):
    vm_id = vm_id_of(sim, "web1")
    before = _spec(sim, vm_id)
    sim_patch(sim, vm_id, ignore_acpi=True)
    op = plan_and_start(
        alice,
        plan_spec_change,
        ref=ref("web1"),
        cores=4,
        memory=4096,
        grace_seconds=0.3,
        hard_off=False,
    )
    assert op.plan[0]["label"] == "ACPI shutdown (up to 0.3 s; fail if the OS ignores it)"
    op = wait_terminal(op)
    _check_put_back(sim, vm_id, before, op)
    assert "ACPI ignored" in op.error


@pytest.mark.parametrize("kind", ["500s", "timeout", "mismatch"])
def test_vm_on_failure_at_verify(worker, alice, sim, kind):
    vm_id = vm_id_of(sim, "web1")
    before = _spec(sim, vm_id)
    # The verify read is the first read after the power-on PUT (the third PUT): hold that
    # PUT, arm the fault on reads, then let the PUT go.
    chain = chain_nth(sim, "PUT", write_path("web1"), 3)
    op = plan_and_start(
        alice, plan_spec_change, ref=ref("web1"), cores=4, memory=4096, grace_seconds=5
    )
    held = chain.hold()
    _arm_read_fault(sim, vm_id, kind)
    release(sim, held)
    op = wait_terminal(op)
    _check_put_back(sim, vm_id, before, op)
    verify = next(e for e in op.step_log if e["step"] == "verify")
    assert verify["status"] == "compensated"


@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_vm_off_failure_at_apply(worker, alice, sim, kind):
    vm_id = vm_id_of(sim, "db2")
    before = _spec(sim, vm_id)
    fault(sim, "PUT", write_path("db2"), **FAILURES[kind])
    op = plan_and_start(alice, plan_spec_change, ref=ref("db2"), cores=2, memory=4096)
    op = wait_terminal(op)
    _check_put_back(sim, vm_id, before, op)
    # A refusal changed nothing: "failed", no compensation. A 500 or no answer may have
    # been applied: the VM is put back.
    assert op.status == ("failed" if kind == "refused" else "rolled_back")


@pytest.mark.parametrize("kind", ["500s", "timeout", "mismatch"])
def test_vm_off_failure_at_verify(worker, alice, sim, kind):
    vm_id = vm_id_of(sim, "db2")
    before = _spec(sim, vm_id)
    chain = chain_nth(sim, "PUT", write_path("db2"), 1)
    op = plan_and_start(alice, plan_spec_change, ref=ref("db2"), cores=2, memory=4096)
    held = chain.hold()
    _arm_read_fault(sim, vm_id, kind)
    release(sim, held)
    op = wait_terminal(op)
    _check_put_back(sim, vm_id, before, op)
    assert op.status == "rolled_back"


def test_compensation_that_fails_ends_in_needs_attention(worker, alice, sim):
    # The power-on PUT and every later write are refused: the spec was changed, the VM is
    # off, and nothing can put it back.
    fault(
        sim,
        "PUT",
        write_path("web1"),
        skip=2,
        status=400,
        times=None,
        body=json.dumps({"power_on": ["refused by the test"]}),
        content_type="application/json",
    )
    op = plan_and_start(
        alice, plan_spec_change, ref=ref("web1"), cores=4, memory=4096, grace_seconds=5
    )
    op = wait_terminal(op)
    assert op.status == "needs_attention", (op.status, op.step_log)
    assert "Now: web1 is powered off, auto-reboot off, cores 4, memory 4 GiB" in op.attention
    assert "Before: web1 was running, auto-reboot on, cores 2, memory 2 GiB" in op.attention
    assert "power on False (was True)" in op.attention
    assert "cores 4 (was 2)" in op.attention
    assert_audit_complete(op)


def _arm_read_fault(sim, vm_id, kind):
    if kind != "mismatch":
        fault(sim, "GET", READ_PATH, **FAILURES[kind])
        return
    vm = sim_vm(sim, vm_id)
    body = {k: vm[k] for k in ("id", "name", "group_id", "autoreboot_on", "hardware_profile")}
    body.update(cores=3, memory=1024, power_on=vm["power_on"])  # not what was asked
    fault(
        sim,
        "GET",
        READ_PATH,
        status=200,
        body=json.dumps(body),
        content_type="application/json",
        times=1,
    )
