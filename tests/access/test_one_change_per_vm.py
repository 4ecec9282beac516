"""One change per VM: a direct action waits for the VM's operation; a rename cannot break it.

With a real worker and the real simulator: web2's spec change is held in its ACPI wait (the
guest ignores the signal until it is told otherwise).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from panel.audit.models import AuditEntry
from panel.operations.models import Operation
from panel.vm_changes.services import plan_spec_change
from tests.access.conftest import browser
from tests.operations.helpers import (
    plan_and_start,
    ref,
    sim_patch,
    sim_vm,
    vm_id_of,
    wait_for,
    wait_terminal,
)

pytestmark = pytest.mark.xdist_group("celery")


def _waiting_for_acpi(op: Operation) -> bool:
    log = Operation.objects.get(pk=op.pk).step_log
    return bool(log) and bool(log[0]["state"].get("signalled"))


def test_a_direct_stop_during_a_change_is_refused_as_busy(worker, alice, wes, sim):
    vm_id = vm_id_of(sim, "web2")
    sim_patch(sim, vm_id, ignore_acpi=True)
    op = plan_and_start(alice, plan_spec_change, ref=ref("web2"), cores=4, grace_seconds=10)
    wait_for(lambda: _waiting_for_acpi(op), 20, "the ACPI wait")

    stop = reverse("vms:stop", args=["demo", "web", "web2"])
    answer = browser(wes).post(stop, {"vm_id": vm_id}, HTTP_HX_REQUEST="true")

    assert answer.status_code == 409
    page = answer.content.decode()
    assert "busy: alice is changing the spec of web2" in page
    assert reverse("operations:detail", args=[op.pk]) in page
    assert sim_vm(sim, vm_id)["power_on"] is True  # the Stop never reached BigV
    refused = AuditEntry.objects.get(action="vm.power_off")
    assert (refused.outcome, refused.actor_username) == ("denied", "wes")
    assert wait_terminal(op).status == "succeeded"


def test_renaming_the_group_mid_change_does_not_break_it(worker, alice, sim):
    vm_id = vm_id_of(sim, "web2")
    sim_patch(sim, vm_id, ignore_acpi=True)
    op = plan_and_start(alice, plan_spec_change, ref=ref("web2"), cores=4, grace_seconds=10)
    wait_for(lambda: _waiting_for_acpi(op), 20, "the ACPI wait")

    rename = reverse("accounts:group_rename", args=["demo", "web"])
    assert browser(alice).post(rename, {"name": "www"}).status_code == 302

    ended = wait_terminal(op)
    assert ended.status == "succeeded", (ended.error, ended.attention)
    vm = sim_vm(sim, vm_id)
    assert (vm["power_on"], vm["autoreboot_on"], vm["cores"]) == (True, True, 4)
