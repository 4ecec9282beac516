"""Backups in a real browser: back up a disc → see it listed (in progress, then stored) →
restore it as an operation whose steps change live; and reimage's typed confirmation.

The panel runs under uvicorn with a real worker (``panel_url`` and ``logged_in`` of
tests/e2e/live_panel.py, through the directory's conftest).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.live_panel import SIM_SPEED, WATCH
from tests.e2e.vm_page import open_vm_page
from tests.operations.helpers import sim_call, vm_id_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery")]


def test_back_up_list_and_restore_with_live_steps(
    logged_in: Any, panel_url: str, sim: Any, screenshot: Any
) -> None:
    page = logged_in
    # Power at SIM_SPEED (watchable steps); backups and restores quicker than the waits allow.
    timings = {"backup_seconds_per_gib": 0.1, "restore_seconds_per_gib": 0.05}
    sim_call(sim, "POST", "/speed", {"speed": SIM_SPEED, "timings": timings})
    page.add_init_script(WATCH)
    open_vm_page(page, f"{panel_url}/accounts/demo/groups/web/vms/web2/")
    with sim.world.lock:
        disc_id = sim.world.vm_discs[vm_id_of(sim, "web2")][0]
    panel = page.locator(f"#disc-{disc_id}-backups")
    panel.get_by_text("No backups yet.").wait_for()

    panel.get_by_role("button", name="Back up now").click()
    panel.get_by_text(re.compile(r"Backing up disc disc-1: backup-\d+\.")).wait_for()
    row = panel.locator("table.backups-table tbody tr").first
    row.get_by_text("in progress").wait_for()
    screenshot("backups-01-in-progress")
    # The panel polls itself while a backup is in progress: it turns to "ready" by itself.
    row.get_by_text("ready").wait_for(timeout=30_000)
    label = (row.locator("th").text_content() or "").strip()
    screenshot("backups-02-stored")

    row.get_by_role("link", name=re.compile("Restore")).click()
    page.get_by_text("Restoring replaces everything on the disc").wait_for()
    page.get_by_label(re.compile("I understand")).check()
    page.get_by_role("button", name="Show the plan").click()
    plan = page.locator(".plan-text")
    plan.wait_for()
    assert f"restore {label} onto disc disc-1" in plan.inner_text()
    screenshot("backups-03-restore-plan")

    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/operations/[0-9a-f-]{36}/$"))
    live = page.locator(".op-detail .op-live-body")
    live.locator(".op-step-label", has_text=re.compile(r"^Succeeded$")).wait_for(timeout=60_000)
    seen = page.evaluate("window.__steps")
    assert len(seen) >= 3 and seen[-1] == "Succeeded", seen
    assert any("restore" in step for step in seen), seen
    screenshot("backups-04-restored")

    vm = sim_call(sim, "GET", f"/vms/{vm_id_of(sim, 'web2')}")
    assert vm["power_on"] is True  # back in its original power state
    with sim.world.lock:
        disc = sim.world.discs[disc_id]
        assert disc.restore_due is None and len(disc.backup_ids) == 2  # + BigV's own backup


def test_reimage_needs_the_name_typed_and_shows_a_destructive_plan(
    logged_in: Any, panel_url: str, screenshot: Any
) -> None:
    page = logged_in
    page.goto(f"{panel_url}/operations/vm/demo/web/web1/reimage/")
    page.get_by_text("Reimaging erases the main disc of web1.").wait_for()
    assert page.get_by_label("Take a backup of the main disc first").is_checked()
    page.get_by_label("Image").select_option("bookworm")
    page.get_by_label("Root password").fill("Browser-root-pw-42")
    page.get_by_label("Type web1 to confirm").fill("web2")
    page.get_by_role("button", name="Show the plan").click()
    page.get_by_text("Type the VM's name, web1, exactly.").wait_for()
    screenshot("reimage-01-wrong-name")

    page.get_by_label("Root password").fill("Browser-root-pw-42")  # never sent back
    page.get_by_label("Type web1 to confirm").fill("web1")
    page.get_by_role("button", name="Show the plan").click()
    page.locator(".plan-text").wait_for()
    page.get_by_text("Everything on web1's main disc, disc-1, is erased.").wait_for()
    start = page.get_by_role("button", name="Start")
    assert "btn-danger" in (start.get_attribute("class") or "")
    assert "but not its data" in page.locator(".op-plan").inner_text()
    screenshot("reimage-02-plan")
