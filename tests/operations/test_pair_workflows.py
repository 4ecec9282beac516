"""Two-VM operations end to end with a real worker: swapping addresses, moving a disc. Both
VMs powered off → the change → both back as they were → verified; a failure puts both back;
the second VM is held for the whole run (no other change may start on it), and a cancel asked
of the hold cancels the operation."""

from __future__ import annotations

import pytest

from panel.operations.models import Operation
from panel.operations.services import Busy, operation_cancel
from panel.vm_changes.plans.pair import plan_disc_move, plan_ip_swap
from panel.vm_changes.services import plan_move, plan_spec_change
from tests.operations.checks import assert_audit_complete
from tests.operations.conftest import connected_user
from tests.operations.helpers import (
    actor_for,
    audit_of,
    fault,
    plan_and_start,
    ref,
    sim_call,
    sim_vm,
    vm_id_of,
    wait_for,
    wait_terminal,
)
from tests.vms.helpers import vm_addresses

pytestmark = pytest.mark.xdist_group("celery")


def _primary(sim, name):
    with sim.world.lock:
        vm = sim.world.vms[vm_id_of(sim, name)]
        return list(sim.world.vm_nics_of(vm)[0].ips)


def _hold(op):
    return Operation.objects.get(params__held_by=str(op.pk))


@pytest.mark.parametrize("partner", ["db2", "web2"])  # off / running (auto-reboot on)
def test_swap_addresses(worker, alice, sim, partner):
    a_ips, b_ips = _primary(sim, "web1"), _primary(sim, partner)
    before = {n: sim_vm(sim, vm_id_of(sim, n)) for n in ("web1", partner)}
    op = plan_and_start(alice, plan_ip_swap, ref=ref("web1"), partner=ref(partner), grace_seconds=1)
    op = wait_terminal(op)
    assert op.status == "succeeded", (op.error, op.step_log)
    assert (_primary(sim, "web1"), _primary(sim, partner)) == (b_ips, a_ips)
    for name, was in before.items():
        now = sim_vm(sim, vm_id_of(sim, name))
        assert (now["power_on"], now["autoreboot_on"]) == (was["power_on"], was["autoreboot_on"])
    # web1 kept its additional address (routed via its new primary address).
    assert "192.0.2.16" in vm_addresses(sim, "web1")
    assert _hold(op).status == "succeeded"
    assert_audit_complete(op)
    swap = next(e for e in audit_of(op) if e.action == "ip.swap")
    assert swap.target_id == str(vm_id_of(sim, "web1")) and swap.params["with"] == partner
    # Writes to the partner are audited against the partner (its own history shows them).
    partner_writes = [e for e in audit_of(op) if e.target_id == str(vm_id_of(sim, partner))]
    assert bool(partner_writes) == before[partner]["power_on"]


def test_swap_additional_addresses_too(worker, alice, sim):
    op = plan_and_start(
        alice,
        plan_ip_swap,
        ref=ref("web1"),
        partner=ref("db2"),
        move_additional=True,
        grace_seconds=1,
    )
    assert wait_terminal(op).status == "succeeded"
    assert "192.0.2.16" in vm_addresses(sim, "db2")
    assert "192.0.2.16" not in vm_addresses(sim, "web1")


def test_a_failed_swap_puts_both_back(worker, alice, sim):
    a_ips, b_ips = _primary(sim, "web1"), _primary(sim, "web2")
    # web2 refuses to power on again after the swap: the swap is undone, both run again.
    fault(
        sim, "PUT", r"^/accounts/demo/groups/\d+/virtual_machines/2$", action="status",
        status=400, body='{"power_on": ["simulated refusal"]}', skip=1, times=1,
    )  # fmt: skip
    op = plan_and_start(alice, plan_ip_swap, ref=ref("web1"), partner=ref("web2"), grace_seconds=1)
    op = wait_terminal(op)
    assert op.status == "rolled_back", (op.status, op.error, op.attention, op.step_log)
    assert (_primary(sim, "web1"), _primary(sim, "web2")) == (a_ips, b_ips)
    assert sim_vm(sim, vm_id_of(sim, "web1"))["power_on"]
    assert sim_vm(sim, vm_id_of(sim, "web2"))["power_on"]
    assert _hold(op).status == "rolled_back"
    assert_audit_complete(op)


def test_the_held_vm_takes_no_other_change_meanwhile(worker, alice, sim):
    op = plan_and_start(alice, plan_ip_swap, ref=ref("web1"), partner=ref("web2"), grace_seconds=1)
    with pytest.raises(Busy) as busy:
        plan_and_start(alice, plan_spec_change, ref=ref("web2"), cores=4)
    assert "swapping the addresses of web2" in busy.value.message
    wait_terminal(op)
    # Once it ended, web2 is free again.
    other = plan_and_start(alice, plan_spec_change, ref=ref("web2"), cores=4, grace_seconds=1)
    assert wait_terminal(other).status == "succeeded"


def test_cancelling_the_hold_cancels_the_operation(worker, alice, sim):
    a_ips = _primary(sim, "web1")
    sim.world.vms[vm_id_of(sim, "web1")].ignore_acpi = True  # it waits in the grace period
    op = plan_and_start(alice, plan_ip_swap, ref=ref("web1"), partner=ref("db2"), grace_seconds=3)
    wait_for(lambda: Operation.objects.get(pk=op.pk).status == "running", 10, "it to run")
    operation_cancel(actor=actor_for(alice), operation=_hold(op))
    op = wait_terminal(op)
    assert op.status == "cancelled", (op.status, op.error)
    assert _primary(sim, "web1") == a_ips
    assert sim_vm(sim, vm_id_of(sim, "web1"))["power_on"]
    assert _hold(op).status == "cancelled"


def test_move_a_disc(worker, alice, sim):
    with sim.world.lock:
        disc = sim.world.vm_discs_of(sim.world.vms[vm_id_of(sim, "web1")])[1]
    op = plan_and_start(
        alice,
        plan_disc_move,
        ref=ref("web1"),
        disc_id=disc.id,
        partner=ref("builder"),
        grace_seconds=1,
    )
    op = wait_terminal(op)
    assert op.status == "succeeded", (op.error, op.step_log)
    with sim.world.lock:
        assert disc.vm_id == vm_id_of(sim, "builder")
    assert sim_vm(sim, vm_id_of(sim, "web1"))["power_on"]
    assert not sim_vm(sim, vm_id_of(sim, "builder"))["power_on"]
    assert [e["step"] for e in op.step_log] == ["power_off", "move_disc", "power_on", "verify_pair"]
    assert_audit_complete(op)


def test_a_disc_move_that_cannot_be_verified_goes_back(worker, alice, sim):
    with sim.world.lock:
        disc = sim.world.vm_discs_of(sim.world.vms[vm_id_of(sim, "db1")])[1]
    # builder will not start again (it was off, so nothing to start): break db1's restart.
    fault(
        sim, "PUT", r"^/accounts/demo/groups/\d+/virtual_machines/4$", action="status",
        status=400, body='{"power_on": ["simulated refusal"]}', skip=1, times=1,
    )  # fmt: skip
    op = plan_and_start(
        alice, plan_disc_move, ref=ref("db1"), disc_id=disc.id, partner=ref("builder"),
        grace_seconds=1,
    )  # fmt: skip
    op = wait_terminal(op)
    assert op.status == "rolled_back", (op.status, op.error, op.attention)
    with sim.world.lock:
        assert disc.vm_id == vm_id_of(sim, "db1")
    assert sim_vm(sim, vm_id_of(sim, "db1"))["power_on"]


def test_move_into_another_account(worker, sim):
    """The move kind, into a group of another account the person administers: the VM is
    powered off, moved, addressed under its new account afterwards, and powered on again."""
    sim_call(sim, "POST", "/users", {
        "username": "twoaccounts", "password": "pw-two", "api_key": "two-accounts-key",
        "privileges": [{"level": "account_admin", "account": "demo"},
                       {"level": "account_admin", "account": "other"}],
    })  # fmt: skip
    tess = connected_user("tess", "apikey.two-accounts-key")
    op = plan_and_start(
        tess, plan_move, ref=ref("web2"), target_group="default", target_account="other",
        grace_seconds=1,
    )  # fmt: skip
    op = wait_terminal(op)
    assert op.status == "succeeded", (op.error, op.step_log)
    after = sim_vm(sim, vm_id_of(sim, "web2"))
    with sim.world.lock:
        group = sim.world.groups[after["group_id"]]
        assert sim.world.accounts[group.account_id].name == "other"
    assert after["power_on"] and after["hostname"] == "web2.default.other.uk0.bigv.io"
    assert op.summary == "Move to group other/default"
