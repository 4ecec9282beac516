"""Each workflow end to end with a real worker, VM originally on and originally off."""

from __future__ import annotations

import pytest

from panel.audit import Action
from panel.bigv import DiscSpec, ImageInstall, VirtualMachineSpec
from panel.vm_changes.services import (
    plan_create,
    plan_graceful,
    plan_move,
    plan_power,
    plan_reimage,
    plan_spec_change,
)
from tests.operations.checks import assert_audit_complete, assert_secret_nowhere
from tests.operations.helpers import (
    audit_of,
    brain_requests,
    plan_and_start,
    ref,
    sim_patch,
    sim_vm,
    vm_id_of,
    wait_terminal,
)

pytestmark = pytest.mark.xdist_group("celery")

ON, OFF = "web1", "db2"  # seeded running / powered off


def writes(sim):
    return [(r["method"], r["path"]) for r in brain_requests(sim) if r["method"] != "GET"]


@pytest.mark.parametrize("name", [ON, OFF])
def test_spec_change(worker, alice, sim, name):
    vm_id = vm_id_of(sim, name)
    before = sim_vm(sim, vm_id)
    op = plan_and_start(
        alice,
        plan_spec_change,
        ref=ref(name),
        cores=before["cores"] + 2,
        memory=before["memory"] * 2,
        grace_seconds=5,
    )
    op = wait_terminal(op)
    assert op.status == "succeeded", (op.error, op.step_log)
    after = sim_vm(sim, vm_id)
    assert (after["cores"], after["memory"]) == (before["cores"] + 2, before["memory"] * 2)
    assert (after["power_on"], after["autoreboot_on"]) == (
        before["power_on"],
        before["autoreboot_on"],
    )
    assert after["pending"] == {}  # it really booted with the new spec
    names = [entry["step"] for entry in op.step_log]
    if before["power_on"]:
        assert names == ["power_off", "apply_spec", "power_on", "verify"]
    else:
        assert names == ["apply_spec", "verify"]
    assert all(entry["status"] == "done" for entry in op.step_log)
    assert op.progress_percent == 100
    assert_audit_complete(op)


def test_spec_change_hardware_profile_and_lock(worker, alice, sim):
    vm_id = vm_id_of(sim, "web2")
    op = plan_and_start(
        alice,
        plan_spec_change,
        ref=ref("web2"),
        hardware_profile="virtio2018",
        hardware_profile_locked=True,
        grace_seconds=5,
    )
    assert wait_terminal(op).status == "succeeded"
    after = sim_vm(sim, vm_id)
    assert after["hardware_profile"] == "virtio2018"
    assert after["hardware_profile_locked"] is True
    assert after["power_on"] is True


@pytest.mark.parametrize("name", ["web3", "builder"])
def test_move(worker, alice, sim, name):
    vm_id = vm_id_of(sim, name)
    before = sim_vm(sim, vm_id)
    op = plan_and_start(alice, plan_move, ref=ref(name), target_group="db", grace_seconds=5)
    op = wait_terminal(op)
    assert op.status == "succeeded", (op.error, op.step_log)
    after = sim_vm(sim, vm_id)
    assert after["group_id"] != before["group_id"]
    assert after["hostname"].startswith(f"{name}.db.demo.")
    assert after["power_on"] == before["power_on"]
    assert any(e.action == Action.VM_MOVE for e in audit_of(op))
    assert_audit_complete(op)


@pytest.mark.parametrize("name", [ON, OFF])
def test_reimage_with_secrets(worker, alice, sim, name):
    vm_id = vm_id_of(sim, name)
    before = sim_vm(sim, vm_id)
    secrets = {
        "root_password": "s3cret-Root-pw!",
        "ssh_public_key": "ssh-ed25519 AAAAkey me@x",
        "firstboot_script": "#!/bin/sh\necho TOKEN=abc123 > /root/t",
    }
    op = plan_and_start(
        alice,
        plan_reimage,
        secret_params=secrets,
        ref=ref(name),
        distribution="bookworm",
        grace_seconds=5,
    )
    assert op.secret_params and "s3cret" not in op.secret_params
    op = wait_terminal(op)
    assert op.status == "succeeded", (op.error, op.step_log)
    after = sim_vm(sim, vm_id)
    assert after["last_imaged_with"] == "bookworm"
    assert after["power_on"] == before["power_on"]
    assert after["autoreboot_on"] == before["autoreboot_on"]
    assert (
        "POST",
        # The engine addresses the group and the VM by id (a rename cannot break it).
        f"/accounts/demo/groups/{sim_vm(sim, vm_id)['group_id']}/virtual_machines/{vm_id}/reimage",
    ) in writes(sim)
    assert_secret_nowhere(op, *secrets.values())
    assert_audit_complete(op)


def test_create_with_discs_and_image(worker, alice, sim):
    spec = VirtualMachineSpec(
        name="web9",
        cores=2,
        memory=2048,
        zone_name="york",
        discs=(
            DiscSpec(size=25600, storage_grade="ssd"),
            DiscSpec(size=51200, storage_grade="archive"),
        ),
        reimage=ImageInstall(distribution="bookworm"),
    )
    secrets = {"root_password": "n3w-Root-pw!"}
    op = plan_and_start(
        alice, plan_create, secret_params=secrets, account="demo", group="web", spec=spec
    )
    assert op.target_key == "new:demo/web/web9"
    op = wait_terminal(op)
    assert op.status == "succeeded", (op.error, op.step_log)
    assert op.vm_id == vm_id_of(sim, "web9")
    assert op.target_key == f"vm:{op.vm_id}"
    vm = sim_vm(sim, op.vm_id)
    assert (vm["power_on"], vm["cores"], vm["memory"], vm["last_imaged_with"]) == (
        True,
        2,
        2048,
        "bookworm",
    )
    assert [e["step"] for e in op.step_log] == ["create", "wait_provisioned", "verify"]
    [created] = [e for e in audit_of(op) if e.action == Action.VM_CREATE]
    assert (created.outcome, created.api_status) == ("succeeded", 202)  # accepted, provisioning
    assert_secret_nowhere(op, "n3w-Root-pw!")
    assert_audit_complete(op)


def test_graceful_restart(worker, alice, sim):
    vm_id = vm_id_of(sim, ON)
    op = plan_and_start(alice, plan_graceful, ref=ref(ON), restart=True, grace_seconds=5)
    op = wait_terminal(op)
    assert op.status == "succeeded"
    vm = sim_vm(sim, vm_id)
    assert (vm["power_on"], vm["autoreboot_on"]) == (True, True)
    assert any(e.action == Action.VM_POWERDOWN for e in audit_of(op))
    assert not any(e.action == Action.VM_POWER_OFF for e in audit_of(op))  # ACPI was enough


def test_graceful_shutdown_falls_through_to_hard_off_when_acpi_is_ignored(worker, alice, sim):
    vm_id = vm_id_of(sim, ON)
    sim_patch(sim, vm_id, ignore_acpi=True)
    op = plan_and_start(alice, plan_graceful, ref=ref(ON), restart=False, grace_seconds=0.5)
    assert op.plan[0]["label"] == "ACPI shutdown (up to 0.5 s, then hard off)"
    op = wait_terminal(op)
    assert op.status == "succeeded"
    assert op.step_log[0]["detail"] == "hard powered off after the grace period"
    vm = sim_vm(sim, vm_id)
    assert (vm["power_on"], vm["autoreboot_on"]) == (False, False)
    actions = [e.action for e in audit_of(op)]
    assert actions.index(Action.VM_POWERDOWN) < actions.index(Action.VM_POWER_OFF)


@pytest.mark.parametrize(("name", "on"), [(OFF, True), (ON, False)])
def test_power_on_and_off(worker, alice, sim, name, on):
    vm_id = vm_id_of(sim, name)
    op = plan_and_start(alice, plan_power, ref=ref(name), on=on)
    assert wait_terminal(op).status == "succeeded"
    assert sim_vm(sim, vm_id)["power_on"] is on


def test_a_vm_that_changed_before_the_worker_started_is_left_alone(worker, alice, sim, monkeypatch):
    from panel.operations import dispatch
    from panel.operations.tasks import run_operation

    sent: list[str] = []
    monkeypatch.setattr(dispatch, "send", lambda op_id, task_id, **kw: sent.append(task_id))
    op = plan_and_start(alice, plan_spec_change, ref=ref(ON), cores=4, grace_seconds=5)
    vm_id = vm_id_of(sim, ON)
    sim_patch(sim, vm_id, power_on=False)  # someone powered it off meanwhile
    run_operation.apply_async((str(op.pk),), task_id=sent[0])
    op = wait_terminal(op)
    assert op.status == "failed"
    assert op.error == "web1 changed since the plan was made; nothing was done."
    assert writes(sim) == []
    assert sim_vm(sim, vm_id)["cores"] == 2
