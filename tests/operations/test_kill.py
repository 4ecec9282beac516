"""kill -9 of the worker at each step boundary: every trial ends in the original power state
with the change all-new or all-old.

Each boundary is an API request, held at a simulator barrier while the worker is killed;
the request is then released — the simulator applies it for a client that no longer exists
(the worst case: the change landed, the worker never learnt it). Each boundary is tried
with the VM originally on and off, in two ways:

* ``worker``: the whole worker (main process, pool children, beat) is killed and a new one
  started; its beat reconciler finds the dead owner and resumes the operation;
* ``child``: only the pool process that holds the lease is killed; the main process
  requeues the task (``reject_on_worker_lost``) and a fresh child resumes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from panel.audit import Action
from panel.bigv import DiscSpec, ImageInstall, VirtualMachineSpec
from panel.operations.models import Operation
from panel.vm_changes.services import plan_create, plan_move, plan_reimage, plan_spec_change
from tests.operations.checks import assert_audit_complete, assert_secret_nowhere
from tests.operations.helpers import (
    READ_PATH,
    Chain,
    audit_of,
    plan_and_start,
    ref,
    release,
    sim_vm,
    vm_id_of,
    wait_for,
    wait_terminal,
)
from tests.operations.worker import kill_pid

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery")]

ON, OFF = "web1", "db2"  # seeded running (auto-reboot on) / powered off
SIGNAL = ("POST", r"/signal$")
READ = ("GET", READ_PATH)
REIMAGE = ("POST", r"/reimage$")
CREATE = ("POST", r"/vm_create$")
PASSWORD = "kill-test-Root-pw!"


def put(name: str) -> tuple[str, str]:
    # Any group: after a move the VM is written to in its new group.
    return ("PUT", r"^/accounts/demo/groups/[^/]+/virtual_machines/\d+$")


# A spec change or move sends, VM on: PUT auto-reboot off, POST powerdown, PUT change,
# PUT power on, then reads to verify; VM off: a read before anything, PUT change, read.
CYCLE = {
    "on": {
        "PUT auto-reboot off": [put(ON)],
        "POST ACPI powerdown": [put(ON), SIGNAL],
        "PUT change": [put(ON), put(ON)],
        "PUT power on": [put(ON), put(ON), put(ON)],
        "GET verify": [put(ON), put(ON), put(ON), READ],
    },
    "off": {
        "GET before any write": [READ],
        "PUT change": [put(OFF)],
        "GET verify": [put(OFF), READ],
    },
}
# A reimage: VM on → ..., POST reimage, PUT auto-reboot back on; off → POST reimage, then
# (once it booted) POST powerdown to put it back off.
REIMAGE_CASES = {
    "on": {"POST reimage": [REIMAGE], "PUT auto-reboot on": [REIMAGE, put(ON)]},
    "off": {"POST reimage": [REIMAGE], "POST powerdown again": [REIMAGE, SIGNAL]},
}
TALLY: Counter[str] = Counter()  # reported by conftest.pytest_terminal_summary


def _lease_pid(op: Operation) -> int:
    def owner() -> str:
        value = Operation.objects.get(pk=op.pk).lease_owner
        return value if value.count(":") == 2 else ""  # host:pid:run, not a hand-over

    return int(wait_for(owner, 10, "a run to hold the operation").split(":")[1])


def _trial(
    worker: Any,
    sim: Any,
    matchers: list[tuple[str, str]],
    mode: str,
    start: Callable[[], Operation],
) -> Operation:
    chain = Chain(sim, matchers).arm()
    op = start()
    held = chain.hold()
    if mode == "worker":
        worker.kill_all()
    else:
        kill_pid(_lease_pid(op))
    started = Operation.objects.get(pk=op.pk).status != "pending"
    release(sim, held)  # the held request now reaches the brain; its answer goes nowhere
    if mode == "worker":
        worker.start()
    op = wait_terminal(op, timeout=45)
    assert op.status in ("succeeded", "rolled_back"), (op.status, op.error, op.attention)
    assert_audit_complete(op)
    _assert_resume_recorded(op, started)
    TALLY[f"{op.kind} {op.status}"] += 1
    return op


def _assert_resume_recorded(op: Operation, started: bool) -> None:
    """A run that took over says so, on the operation's page and in the audit trail."""
    resumed = [e for e in audit_of(op) if e.action == Action.OPERATION_RESUMED]
    assert len(resumed) == len(op.events), (op.events, resumed)
    if started:
        assert op.events, "the takeover of a started operation left no trace"
        assert op.events[0]["text"].startswith("Worker lost at "), op.events
        assert " resumed by pid " in op.events[0]["text"], op.events


MODES = pytest.mark.parametrize("mode", ["worker", "child"])


def _cases(table: dict[str, dict[str, Any]]) -> list[Any]:
    return [
        pytest.param(power, boundary, id=f"{power}-{boundary}")
        for power, boundaries in table.items()
        for boundary in boundaries
    ]


@MODES
@pytest.mark.parametrize("trial", [1, 2])
@pytest.mark.parametrize(("power", "boundary"), _cases(CYCLE))
def test_kill_during_spec_change(worker, alice, sim, power, boundary, trial, mode):
    name = ON if power == "on" else OFF
    vm_id = vm_id_of(sim, name)
    before = sim_vm(sim, vm_id)
    old, new = (before["cores"], before["memory"]), (before["cores"] + 2, before["memory"] * 2)
    op = _trial(
        worker,
        sim,
        CYCLE[power][boundary],
        mode,
        lambda: plan_and_start(
            alice, plan_spec_change, ref=ref(name), cores=new[0], memory=new[1], grace_seconds=5
        ),
    )
    after = sim_vm(sim, vm_id)
    assert after["power_on"] == before["power_on"]
    assert (after["cores"], after["memory"]) == (new if op.status == "succeeded" else old)
    assert after["pending"] == {}


@MODES
@pytest.mark.parametrize(("power", "boundary"), _cases(CYCLE))
def test_kill_during_move(worker, alice, sim, power, boundary, mode):
    name = ON if power == "on" else OFF
    vm_id = vm_id_of(sim, name)
    before = sim_vm(sim, vm_id)
    target = "default"
    matchers = CYCLE[power][boundary]
    op = _trial(
        worker,
        sim,
        matchers,
        mode,
        lambda: plan_and_start(
            alice, plan_move, ref=ref(name), target_group=target, grace_seconds=5
        ),
    )
    after = sim_vm(sim, vm_id)
    assert after["power_on"] == before["power_on"]
    moved = after["group_id"] != before["group_id"]
    assert moved == (op.status == "succeeded")


@MODES
@pytest.mark.parametrize(("power", "boundary"), _cases(REIMAGE_CASES))
def test_kill_during_reimage(worker, alice, sim, power, boundary, mode):
    name = ON if power == "on" else OFF
    vm_id = vm_id_of(sim, name)
    before = sim_vm(sim, vm_id)
    op = _trial(
        worker,
        sim,
        REIMAGE_CASES[power][boundary],
        mode,
        lambda: plan_and_start(
            alice,
            plan_reimage,
            ref=ref(name),
            distribution="trusty",
            grace_seconds=5,
            secret_params={"root_password": PASSWORD},
        ),
    )
    after = sim_vm(sim, vm_id)
    assert (after["power_on"], after["autoreboot_on"]) == (
        before["power_on"],
        before["autoreboot_on"],
    )
    assert op.status == "succeeded", (op.error, op.step_log)
    assert after["last_imaged_with"] == "trusty"
    assert_secret_nowhere(op, PASSWORD)


@MODES
@pytest.mark.parametrize("boundary", ["POST vm_create", "GET after it"])
def test_kill_during_create(worker, alice, sim, boundary, mode):
    spec = VirtualMachineSpec(
        name="web9",
        cores=1,
        memory=1024,
        discs=(DiscSpec(size=25600),),
        reimage=ImageInstall(distribution="bookworm"),
    )
    matchers = [CREATE] if boundary == "POST vm_create" else [CREATE, READ]
    op = _trial(
        worker,
        sim,
        matchers,
        mode,
        lambda: plan_and_start(
            alice,
            plan_create,
            account="demo",
            group="web",
            spec=spec,
            secret_params={"root_password": PASSWORD},
        ),
    )
    with sim.world.lock:
        made = [vm for vm in sim.world.vms.values() if vm.name == "web9"]
    assert len(made) == 1  # never a second VM
    assert op.status == "succeeded" and made[0].power_on and not made[0].deleted
    assert_secret_nowhere(op, PASSWORD)
