"""Plans from live state, and starting an operation (no worker: nothing is enqueued while
the test's transaction is open)."""

from __future__ import annotations

import pytest

from panel.audit import Action, Outcome
from panel.audit.models import AuditEntry
from panel.bigv import DiscSpec, ImageInstall, VirtualMachineSpec
from panel.credentials.clients import client_for
from panel.vm_changes.plans import InvalidPlan, NothingToDo
from panel.vm_changes.services import (
    Busy,
    PlanOutdated,
    change_start,
    plan_create,
    plan_graceful,
    plan_move,
    plan_power,
    plan_reimage,
    plan_spec_change,
)
from tests.operations.conftest import connected_user
from tests.operations.helpers import actor_for, ref, sim_patch, vm_id_of


@pytest.fixture
def carol(db, sim):
    return connected_user("carol", "apikey.demo-key")


@pytest.fixture
def client(carol):
    with client_for(carol) as c:
        yield c


def test_spec_change_plan_of_a_running_vm_says_everything_beforehand(client):
    plan = plan_spec_change(client=client, ref=ref("web1"), cores=4, memory=4096)
    assert plan.describe() == (
        "web1 is running → ACPI shutdown (up to 60 s, then hard off) → "
        "cores 2→4, memory 2→4 GiB → power on → verify"
    )
    assert [s.name for s in plan.steps] == ["power_off", "apply_spec", "power_on", "verify"]
    assert plan.original["power_on"] is True and plan.original["cores"] == 2
    assert plan.target_key == f"vm:{plan.ref.vm_id}"


def test_spec_change_plan_of_a_powered_off_vm_has_no_power_steps(client):
    plan = plan_spec_change(client=client, ref=ref("db2"), cores=6, hardware_profile="virtio2018")
    assert (
        plan.describe()
        == "db2 is powered off → cores 4→6, hardware profile virtio2013→virtio2018 → verify"
    )


def test_locking_the_hardware_profile_needs_no_power_cycle(client):
    plan = plan_spec_change(client=client, ref=ref("web1"), hardware_profile_locked=True)
    assert [s.name for s in plan.steps] == ["apply_spec", "verify"]
    assert plan.describe() == "web1 is running → lock hardware profile → verify"


def test_graceful_and_power_plans(client):
    restart = plan_graceful(client=client, ref=ref("web1"), restart=True, grace_seconds=30)
    assert restart.describe() == (
        "web1 is running → ACPI shutdown (up to 30 s, then hard off) → power on again → verify"
    )
    strict = plan_graceful(client=client, ref=ref("web1"), restart=False, hard_off=False)
    assert "ACPI shutdown (up to 60 s; fail if the OS ignores it)" in strict.describe()
    assert plan_power(client=client, ref=ref("web1"), on=False).describe() == (
        "web1 is running → Hard power off → verify"
    )
    assert plan_move(client=client, ref=ref("db2"), target_group="web").describe() == (
        "db2 is powered off → move to group web → verify"
    )
    reimage = plan_reimage(client=client, ref=ref("db2"), distribution="bookworm")
    assert reimage.describe() == (
        "db2 is powered off → reimage with bookworm: disc disc-1 is erased → "
        "wait until it boots (up to 3 s) → "
        "power off again (it was off): ACPI shutdown (up to 60 s, then hard off) → verify"
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda c: plan_spec_change(client=c, ref=ref("web1"), cores=2, memory=2048),
        lambda c: plan_power(client=c, ref=ref("web1"), on=True),
        lambda c: plan_graceful(client=c, ref=ref("db2"), restart=True),
        lambda c: plan_move(client=c, ref=ref("web1"), target_group="web"),
    ],
)
def test_nothing_to_do(client, make):
    with pytest.raises(NothingToDo):
        make(client)


def test_invalid_plans(client):
    with pytest.raises(InvalidPlan, match="Unknown image"):
        plan_reimage(client=client, ref=ref("web1"), distribution="windows95")
    with pytest.raises(InvalidPlan, match="positive"):
        plan_spec_change(client=client, ref=ref("web1"), cores=0)
    secret = VirtualMachineSpec(
        name="n1",
        discs=(DiscSpec(size=25600),),
        reimage=ImageInstall(distribution="bookworm", root_password="x"),
    )
    with pytest.raises(InvalidPlan, match="secret_params"):
        plan_create(client=client, account="demo", group="web", spec=secret)
    taken = VirtualMachineSpec(name="web1", discs=(DiscSpec(size=25600),))
    with pytest.raises(InvalidPlan, match="already a VM called web1"):
        plan_create(client=client, account="demo", group="web", spec=taken)


def test_create_plan(client):
    spec = VirtualMachineSpec(
        name="web9",
        cores=2,
        memory=2048,
        discs=(DiscSpec(size=25600, storage_grade="ssd"), DiscSpec(size=51200)),
        reimage=ImageInstall(distribution="bookworm"),
    )
    plan = plan_create(client=client, account="demo", group="web", spec=spec)
    assert plan.target_key == "new:demo/web/web9"
    assert plan.describe().startswith(
        "web9 does not exist yet in demo/web → create web9: 2 cores, 2 GiB, "
        "discs disc-1 ssd 25 GiB (no backups), disc-2 sata 50 GiB (no backups), bookworm → "
        "wait for provisioning until it runs"
    )


def test_start_records_and_refuses_a_second_one(carol, client, sim):
    plan = plan_spec_change(client=client, ref=ref("web1"), cores=4)
    op = change_start(actor=actor_for(carol), client=client, plan=plan)
    assert (op.status, op.kind, op.actor_username, op.vm_id) == (
        "pending",
        "spec_change",
        "carol",
        plan.ref.vm_id,
    )
    assert op.summary == "Change spec: cores 2→4"
    assert op.target_label == "web1 in demo/web"
    assert op.current_step_label == "Waiting for a worker"
    assert op.progress_percent == 0
    start = AuditEntry.objects.get(action=Action.OPERATION_START, outcome=Outcome.STARTED)
    assert start.operation_id == str(op.pk) and start.params["plan"] == plan.describe()
    again = plan_graceful(client=client, ref=ref("web1"), restart=True)
    with pytest.raises(Busy) as busy:
        change_start(actor=actor_for(carol), client=client, plan=again)
    assert busy.value.message == "busy: carol is changing the spec of web1"
    assert busy.value.operation == op


def test_start_refuses_a_plan_the_vm_no_longer_matches(carol, client, sim):
    plan = plan_spec_change(client=client, ref=ref("web1"), cores=4)
    sim_patch(sim, vm_id_of(sim, "web1"), power_on=False)
    with pytest.raises(PlanOutdated, match="power on"):
        change_start(actor=actor_for(carol), client=client, plan=plan)


def test_secrets_only_for_reimage_and_create(carol, client):
    plan = plan_spec_change(client=client, ref=ref("web1"), cores=4)
    with pytest.raises(ValueError, match="secrets"):
        change_start(
            actor=actor_for(carol),
            client=client,
            plan=plan,
            secret_params={"root_password": "x"},
        )
