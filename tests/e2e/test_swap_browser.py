"""Swapping two VMs' addresses in a real browser, with a real worker killed mid-way: the
plan names both VMs, the operation's page follows it live, and after a kill -9 of the whole
worker while the swap request is on its way (the boundary every trial of
tests/operations/test_kill_pair.py covers), a new worker resumes it and the page shows it
ending with the addresses swapped and both VMs as they were."""

from __future__ import annotations

import re
from typing import Any

import pytest

from panel.operations.models import Operation
from tests.e2e import live_panel
from tests.e2e.vm_page import open_vm_page
from tests.operations.helpers import Chain, release, sim_call, vm_id_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery")]
# The panel under uvicorn with a real worker, and a browser logged in to it (shared fixtures).
panel_url, logged_in = live_panel.panel_url, live_panel.logged_in


def _primary(sim: Any, name: str) -> list[str]:
    with sim.world.lock:
        vm = sim.world.vms[vm_id_of(sim, name)]
        return list(sim.world.vm_nics_of(vm)[0].ips)


def test_swap_with_a_worker_killed_at_the_swap(
    logged_in: Any, panel_url: str, sim: Any, worker: Any, screenshot: Any
) -> None:
    page = logged_in
    sim_call(sim, "POST", "/speed", {"speed": live_panel.SIM_SPEED})
    web1, db2 = _primary(sim, "web1"), _primary(sim, "db2")

    open_vm_page(page, f"{panel_url}/accounts/demo/groups/web/vms/web1/")
    page.get_by_role("link", name="Swap addresses with another VM").click()
    page.get_by_label("The other VM").select_option("db/db2")
    page.get_by_label("Grace period (seconds)").fill("10")
    page.get_by_role("button", name="Show the plan").click()
    plan = page.locator(".plan-text")
    plan.wait_for()
    assert plan.inner_text() == (
        "web1 is running and db2 is powered off → web1: ACPI shutdown (up to 10 s, then hard "
        "off) → swap the primary addresses of web1 and db2 → web1: power on again → verify both"
    )
    page.locator(".plan-warnings").get_by_text("configure their operating systems").wait_for()
    screenshot("swap-01-plan")

    chain = Chain(sim, [("POST", r"^/ips/swap_virtual_machine_ips$")], prefix="swap").arm()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/operations/[0-9a-f-]{36}/$"))
    held = chain.hold()
    worker.kill_all()  # kill -9: main process, pool children and beat
    release(sim, held)  # BigV swaps for a worker that no longer exists
    worker.start()

    live = page.locator(".op-detail .op-live-body")
    live.locator(".op-step-label", has_text=re.compile(r"^Succeeded$")).wait_for(timeout=60_000)
    screenshot("swap-02-finished")
    assert (_primary(sim, "web1"), _primary(sim, "db2")) == (db2, web1)
    assert sim_call(sim, "GET", f"/vms/{vm_id_of(sim, 'web1')}")["power_on"] is True
    assert sim_call(sim, "GET", f"/vms/{vm_id_of(sim, 'db2')}")["power_on"] is False
    op = Operation.objects.get(kind="ip_swap", params__held_by__isnull=True)
    assert op.events, "the page's operation should say it was resumed by another worker"
    assert Operation.objects.get(params__held_by=str(op.pk)).status == "succeeded"
    # db2's page no longer says busy: it can take a change again.
    open_vm_page(page, f"{panel_url}/accounts/demo/groups/db/vms/db2/")
    page.locator("#vm-network").get_by_role("rowheader", name=web1[0]).wait_for()
    screenshot("swap-03-db2-after")
