"""Secrets, claims and fencing, attention text — in-process, without a worker."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid

import pytest
from django.utils import timezone

from panel.bigv import VirtualMachine
from panel.operations import claims, secrets
from panel.operations.models import Operation
from panel.vm_changes.compensation import attention_text, undo_steps
from tests.operations.conftest import connected_user

ORIGINAL = {
    "id": 1,
    "name": "web1",
    "account": "demo",
    "group": "web",
    "group_id": 2,
    "power_on": True,
    "autoreboot_on": True,
    "cores": 2,
    "memory": 2048,
    "hardware_profile": "virtio2013",
    "hardware_profile_locked": False,
}


IMAGE_INPUTS = frozenset({"root_password", "ssh_public_key", "firstboot_script"})


def test_secrets_are_sealed_to_their_operation():
    op_id = str(uuid.uuid4())
    sealed = secrets.seal(
        operation_id=op_id,
        secrets={"root_password": "pw-1", "ssh_public_key": ""},
        allowed=IMAGE_INPUTS,
    )
    assert "pw-1" not in sealed
    assert secrets.open_secrets(operation_id=op_id, ciphertext=sealed) == {"root_password": "pw-1"}
    with pytest.raises(secrets.SecretsUnavailable):
        secrets.open_secrets(operation_id=str(uuid.uuid4()), ciphertext=sealed)
    with pytest.raises(ValueError, match="unknown"):
        secrets.seal(operation_id=op_id, secrets={"token": "x"}, allowed=IMAGE_INPUTS)
    assert secrets.seal(operation_id=op_id, secrets=None, allowed=IMAGE_INPUTS) == ""
    assert secrets.open_secrets(operation_id=op_id, ciphertext="") == {}


@pytest.fixture
def op(db, sim):
    user = connected_user("dave", "apikey.demo-key")
    return Operation.objects.create(
        kind="spec_change",
        actor=user,
        actor_username="dave",
        account="demo",
        group="web",
        vm_name="web1",
        vm_id=1,
        target_key="vm:1",
        params={"cores": 4, "memory": 4096},
        original=ORIGINAL,
        plan=[{"name": "verify", "label": "verify", "args": {}}],
        enqueued_at=timezone.now(),
        lease_owner=claims.resume_token("t1"),
        lease_expires_at=timezone.now() + dt.timedelta(seconds=60),
    )


def test_claim_is_won_once_and_fences_the_loser(op):
    lease = claims.claim(op.pk, "t1")
    assert lease is not None and lease.epoch == 1 and not lease.takeover
    assert claims.claim(op.pk, "t1") is None  # the duplicate copy
    assert claims.claim(op.pk, "other") is None  # the lease is held
    op.refresh_from_db()
    claims.persist(lease, op, "step_log")  # still ours
    Operation.objects.filter(pk=op.pk).update(
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    thief = claims.claim(op.pk, "t2")  # expired: taken over
    assert thief is not None and thief.epoch == 2
    with pytest.raises(claims.Fenced):
        claims.persist(lease, op, "step_log")  # the old run stops before its next API call


def test_a_wait_picked_up_only_after_its_lease_lapsed_is_a_takeover(op):
    # The worker holding the wait's task died before running it; the task ran later anyway
    # (it was still queued): the operation went unattended meanwhile, and the run says so.
    Operation.objects.filter(pk=op.pk).update(
        status="running", lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    lease = claims.claim(op.pk, "t1")
    assert lease is not None and lease.takeover and lease.last_heard is not None


def test_a_wait_picked_up_in_time_is_no_takeover(op):
    Operation.objects.filter(pk=op.pk).update(status="running")
    lease = claims.claim(op.pk, "t1")
    assert lease is not None and not lease.takeover


def test_a_dead_owner_on_this_host_need_not_be_waited_out(op):
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead = f"{claims.HOST}:{proc.pid}:abc"
    Operation.objects.filter(pk=op.pk).update(lease_owner=dead, status="running")
    assert claims.owner_is_dead(dead)
    assert not claims.owner_is_dead(f"{claims.HOST}:1:abc")  # alive (init)
    assert not claims.owner_is_dead(f"elsewhere:{proc.pid}:abc")  # another host: unknown
    lease = claims.claim(op.pk, "t9")
    assert lease is not None and lease.takeover


def test_undo_plan_and_attention_text(op):
    op.compensation_start = 1
    names = [s["name"] for s in undo_steps(op)]
    assert names == ["undo_power_off", "undo_spec", "undo_power", "undo_verify"]
    vm = VirtualMachine(
        id=1,
        name="web1",
        group_id=2,
        cores=4,
        memory=4096,
        power_on=False,
        autoreboot_on=False,
        hardware_profile="virtio2013",
    )
    text = attention_text(op, vm, "BigV refused: no")
    assert text.splitlines() == [
        "Could not finish putting web1 back: BigV refused: no",
        "Now: web1 is powered off, auto-reboot off, cores 4, memory 4 GiB, hardware profile "
        "virtio2013 (unlocked), group web.",
        "Differences: power on False (was True); autoreboot on False (was True); "
        "cores 4 (was 2); memory 4096 (was 2048).",
        "Before: web1 was running, auto-reboot on, cores 2, memory 2 GiB, hardware profile "
        "virtio2013 (unlocked), group web.",
    ]
    unknown = attention_text(op, None, "x", read_error="timed out")
    assert "Now: unknown — BigV could not be read (timed out)." in unknown
