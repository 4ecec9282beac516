"""kill -9 of the worker at each step boundary of a swap of addresses: every trial ends with
both VMs in their original power states, the addresses all swapped or all as they were (as
the operation's ending says), and the held VM free again.

As in test_kill.py: each boundary is an API request held at a simulator barrier while the
worker is killed, then released — BigV applies it for a client that no longer exists — and
the operation is resumed by a new worker (``worker``: the whole worker and its beat) or by
a fresh pool child (``child``: only the process that held the lease).
"""

from __future__ import annotations

from typing import Any

import pytest

from panel.operations.models import Operation
from panel.vm_changes.plans.pair import plan_ip_swap
from tests.operations.checks import assert_audit_complete
from tests.operations.helpers import READ_PATH, plan_and_start, ref, sim_vm, vm_id_of
from tests.operations.test_kill import MODES, _trial

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery")]

SWAP = ("POST", r"^/ips/swap_virtual_machine_ips$")
SIGNAL = ("POST", r"/signal$")
READ = ("GET", READ_PATH)


def put(vm_id: int) -> tuple[str, str]:
    return ("PUT", rf"^/accounts/demo/groups/\d+/virtual_machines/{vm_id}$")


# web1 (1) runs with auto-reboot on; db2 (5) is off; web2 (2) runs with auto-reboot on.
ONE_ON = {
    "PUT web1 auto-reboot off": [put(1)],
    "POST web1 powerdown": [put(1), SIGNAL],
    "POST swap": [put(1), SIGNAL, SWAP],
    "PUT web1 power on": [put(1), SIGNAL, SWAP, put(1)],
    "GET verify": [put(1), SIGNAL, SWAP, put(1), READ],
}
BOTH_ON = {
    "PUT web2 auto-reboot off": [put(1), SIGNAL, put(2)],
    "POST web2 powerdown": [put(1), SIGNAL, put(2), SIGNAL],
    "POST swap": [put(1), SIGNAL, put(2), SIGNAL, SWAP],
    "PUT web2 power on": [put(1), SIGNAL, put(2), SIGNAL, SWAP, put(1), put(2)],
}
CASES = [
    pytest.param("db2", boundary, matchers, id=f"one-on-{boundary}")
    for boundary, matchers in ONE_ON.items()
] + [
    pytest.param("web2", boundary, matchers, id=f"both-on-{boundary}")
    for boundary, matchers in BOTH_ON.items()
]


def _primary(sim: Any, name: str) -> list[str]:
    with sim.world.lock:
        vm = sim.world.vms[vm_id_of(sim, name)]
        return list(sim.world.vm_nics_of(vm)[0].ips)


@MODES
@pytest.mark.parametrize(("partner", "boundary", "matchers"), CASES)
def test_kill_during_swap(worker, alice, sim, partner, boundary, matchers, mode):
    a_ips, b_ips = _primary(sim, "web1"), _primary(sim, partner)
    before = {n: sim_vm(sim, vm_id_of(sim, n)) for n in ("web1", partner)}
    op = _trial(
        worker,
        sim,
        matchers,
        mode,
        lambda: plan_and_start(
            alice, plan_ip_swap, ref=ref("web1"), partner=ref(partner), grace_seconds=5
        ),
    )
    swapped = (_primary(sim, "web1"), _primary(sim, partner)) == (b_ips, a_ips)
    kept = (_primary(sim, "web1"), _primary(sim, partner)) == (a_ips, b_ips)
    assert swapped == (op.status == "succeeded") and kept == (op.status == "rolled_back")
    for name, was in before.items():
        now = sim_vm(sim, vm_id_of(sim, name))
        assert (now["power_on"], now["autoreboot_on"]) == (was["power_on"], was["autoreboot_on"])
    hold = Operation.objects.get(params__held_by=str(op.pk))
    assert hold.status == op.status  # the partner is free again, with the same ending
    assert_audit_complete(op)
