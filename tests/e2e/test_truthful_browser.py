"""What a person sees of operations is what is true, in a real browser with a real worker:
the per-VM plan of a batch, a cancel that cannot recall a shutdown, a dead worker, links
after a move, and two tabs racing for one VM.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from panel.operations.models import Operation
from tests.e2e.freezing_proxy import FreezingProxy
from tests.e2e.live_panel import SIM_SPEED, STREAM_LOG
from tests.operations.helpers import sim_call, vm_id_of, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery")]


def _vm(sim: Any, name: str) -> dict[str, Any]:
    return sim_call(sim, "GET", f"/vms/{vm_id_of(sim, name)}")


def test_the_batch_plan_shows_every_vm_now_and_after_with_a_shrink_warning(
    logged_in: Any, panel_url: str, screenshot: Any
) -> None:
    page = logged_in
    page.goto(
        f"{panel_url}/operations/batches/new/?vm=demo/web/web1&vm=demo/db/db1"
        "&vm=demo/db/db2&kind=spec_change"
    )
    page.get_by_label("Cores").fill("2")
    page.get_by_label("Memory (GiB)").fill("4")
    page.get_by_role("button", name="Show the plan").click()
    table = page.locator("table.batch-plan-table")
    table.wait_for()

    rows = {
        row.locator("th").text_content().split("demo/")[0].strip(): " ".join(
            row.text_content().split()
        )
        for row in table.locator("tbody tr").all()
    }
    assert set(rows) == {"web1", "db1", "db2"}
    assert "running, 4 cores, 8 GiB" in rows["db1"] and "running, 2 cores, 4 GiB" in rows["db1"]
    assert "Shrinks: cores 4→2, memory 8 GiB→4 GiB." in rows["db1"]
    assert "restarts: ACPI shutdown" in rows["db1"]
    assert "stays off" in rows["db2"] and "Shrinks" in rows["db2"]
    assert "Shrinks" not in rows["web1"]  # 2 cores stay 2, memory grows
    page.get_by_text("2 VMs with a warning below").wait_for()
    screenshot("batch-plan")

    # A hard power-off of running VMs reads as what it is, and must be typed to confirm.
    page.get_by_role("button", name="Change the values").click()
    page.get_by_label("Change").select_option("power_off")
    page.get_by_role("button", name="Show the plan").click()
    page.get_by_text("2 running VMs will lose power at once").wait_for()
    start = page.get_by_role("button", name="Start on 2 VMs")
    assert "btn-danger" in (start.get_attribute("class") or "")
    assert "Power off (hard, no shutdown)" in page.locator(".plan-text").inner_text()
    page.get_by_text("db2").first.wait_for()
    assert (
        "Nothing to do: db2 is already powered off." in page.locator(".batch-skipped").inner_text()
    )
    start.click()  # without the typed count: nothing starts
    page.get_by_label(re.compile("Type 2 to confirm")).wait_for()
    assert Operation.objects.count() == 0
    screenshot("batch-plan-hard-off")


def test_cancel_during_an_acpi_shutdown_says_what_will_happen_and_ends_running(
    logged_in: Any, panel_url: str, sim: Any, screenshot: Any
) -> None:
    page = logged_in
    # The guest takes 8 s to shut down (speed 2): time to cancel while it does.
    sim_call(sim, "POST", "/speed", {"speed": SIM_SPEED, "timings": {"acpi_shutdown_seconds": 16}})
    page.goto(f"{panel_url}/operations/vm/demo/web/web1/spec/")
    page.get_by_label("Cores").fill("4")
    page.get_by_role("button", name="Show the plan").click()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/operations/[0-9a-f-]{36}/$"))
    live = page.locator(".op-detail .op-live-body")
    live.get_by_text(re.compile("waiting for the ACPI shutdown")).wait_for(timeout=20_000)

    page.once("dialog", lambda dialog: dialog.accept())
    live.get_by_role("button", name="Cancel operation").click()
    note = live.locator(".op-cannot-recall")
    note.wait_for(timeout=10_000)
    assert "The guest is already shutting down" in note.inner_text()
    assert "once it is off it will be powered on again" in note.inner_text()
    assert _vm(sim, "web1")["power_on"], "still shutting down while the page says so"
    screenshot("cancel-acpi")

    live.locator(".op-step-label", has_text=re.compile(r"^Cancelled$")).wait_for(timeout=45_000)
    vm = _vm(sim, "web1")
    assert (vm["power_on"], vm["autoreboot_on"], vm["cores"]) == (True, True, 2)
    text = live.inner_text()
    assert "Cancelled before: cores 2→4" in text
    assert "BigV reports running, auto-reboot on" in text
    screenshot("cancel-acpi-done")


def _stream_story(page: Any, live: Any, server_log: Path) -> str:
    """What the browser's streams did, what the server logged about them, and what the page
    showed: enough to tell a stale stream from a server that disagrees. Shortest first, so a
    clipped report still holds the streams."""
    browser = page.evaluate("window.__streams || []")[-10:]
    lines = server_log.read_text(errors="replace").splitlines() if server_log.exists() else []
    server = [line[:160] for line in lines if "/events" in line or "WARNING" in line][-8:]
    return (
        f"the browser's streams: {browser}; the server's stream lines: {server}; "
        f"the live part read {live.inner_text()[:400]!r}"
    )


def _restart_until_it_waits(
    page: Any, base_url: str, sim: Any, *, acpi_shutdown_seconds: float
) -> Any:
    """Start a graceful restart of web2 from ``base_url``, the page recording its streams
    (``STREAM_LOG``); the operation page's live part once it waits for the ACPI shutdown."""
    page.add_init_script(STREAM_LOG)
    timings = {"acpi_shutdown_seconds": acpi_shutdown_seconds}
    sim_call(sim, "POST", "/speed", {"speed": SIM_SPEED, "timings": timings})
    page.goto(f"{base_url}/operations/vm/demo/web/web2/restart/")
    page.get_by_role("button", name="Show the plan").click()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/operations/[0-9a-f-]{36}/$"))
    live = page.locator(".op-detail .op-live-body")
    live.get_by_text(re.compile("waiting for the ACPI shutdown")).wait_for(timeout=20_000)
    return live


def test_a_dead_worker_is_shown_and_its_resume_is_recorded(
    logged_in: Any, panel_url: str, sim: Any, worker: Any, screenshot: Any, tmp_path: Path
) -> None:
    page = logged_in
    live = _restart_until_it_waits(page, panel_url, sim, acpi_shutdown_seconds=20)

    killed = timezone.now()
    worker.kill_all()
    # Within a lease (5 s here) and a heartbeat of the page's stream, the page says so (the
    # margin is for a loaded machine, where the page's own server may be slow to render).
    banner = live.locator(".op-unattended")
    try:
        banner.wait_for(timeout=30_000)
    except Exception as error:  # say what the operation's row and the page held meanwhile
        row = (
            Operation.objects.order_by("created_at")
            .values("status", "enqueued_at", "lease_owner", "lease_expires_at")
            .last()
        )
        story = _stream_story(page, live, tmp_path / "uvicorn.log")
        raise AssertionError(
            f"no 'workers may be down' banner at {timezone.now():%H:%M:%S} "
            f"(the worker killed at {killed:%H:%M:%S}); "
            f"the operation: {row}; {story}"
        ) from error
    assert "No worker has picked this up for" in banner.inner_text()
    assert "workers may be down" in banner.inner_text()
    page.locator("#running-now").get_by_text("workers may be down", exact=True).wait_for()
    screenshot("worker-down")

    worker.start()  # …and once a worker is back, the operation goes on, and says it resumed.
    live.locator(".op-step-label", has_text=re.compile(r"^Succeeded$")).wait_for(timeout=45_000)
    event = live.locator(".op-step-event")
    assert re.search(r"Worker lost at \d\d:\d\d:\d\d .*resumed by pid \d+", event.inner_text())
    assert live.locator(".op-unattended").count() == 0
    assert (
        "Operation resumed after a lost worker"
        in page.locator("#op-audit-heading").locator("..").inner_text()
    )
    screenshot("worker-resumed")


def test_after_a_move_the_operation_page_links_to_the_vm_where_it_is_now(
    logged_in: Any, panel_url: str, sim: Any
) -> None:
    page = logged_in
    sim_call(sim, "POST", "/speed", {"speed": 50})
    page.goto(f"{panel_url}/operations/vm/demo/web/web3/move/")
    page.get_by_label("Move to group").select_option("db")
    page.get_by_role("button", name="Show the plan").click()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/operations/[0-9a-f-]{36}/$"))
    page.locator(".op-detail .op-step-label", has_text=re.compile(r"^Succeeded$")).wait_for(
        timeout=45_000
    )

    page.locator(".page-head h1").get_by_role("link", name="web3").click()
    page.wait_for_url(f"{panel_url}/accounts/demo/groups/db/vms/web3/")
    page.get_by_role("heading", name="web3").first.wait_for()

    # A link written before the move still finds it.
    page.goto(f"{panel_url}/accounts/demo/groups/web/vms/web3/")
    page.wait_for_url(f"{panel_url}/accounts/demo/groups/db/vms/web3/")


def test_two_tabs_starting_one_vm_the_second_hears_busy_at_once(
    logged_in: Any, panel_url: str, sim: Any
) -> None:
    first = logged_in
    second = first.context.new_page()
    sim_call(sim, "POST", "/speed", {"speed": SIM_SPEED})
    for tab in (first, second):
        tab.goto(f"{panel_url}/operations/vm/demo/web/web1/spec/")
        tab.get_by_label("Cores").fill("4")
        tab.get_by_role("button", name="Show the plan").click()
        tab.locator(".plan-text").wait_for()

    first.get_by_role("button", name="Start").click()
    first.wait_for_url(re.compile(r"/operations/[0-9a-f-]{36}/$"))
    wait_for(lambda: Operation.objects.exists(), 10, "the first tab's operation")
    second.get_by_role("button", name="Start").click()

    busy = second.get_by_text(re.compile(r"busy: carol is changing the spec of web1"))
    busy.wait_for()
    assert "changed since you saw the plan" not in second.content()
    assert second.get_by_role("link", name="see that operation").get_attribute("href") == (
        first.url.removeprefix(panel_url)
    )
    assert Operation.objects.count() == 1


def test_a_stream_that_dies_without_closing_is_opened_again(
    logged_in: Any, panel_url: str, sim: Any
) -> None:
    """A connection can die without a word (a laptop that slept, a router that forgot it):
    the browser's EventSource then waits forever, and the page looks live while it shows old
    news. The server beats every second here; after three missed beats the page opens its
    streams again and catches up."""
    page = logged_in
    proxy = FreezingProxy(int(panel_url.rsplit(":", 1)[1]))
    try:
        # 4 s at SIM_SPEED: time to freeze the stream.
        live = _restart_until_it_waits(page, proxy.url, sim, acpi_shutdown_seconds=8)
        # The operation's stream has delivered (the page's first state came with the page
        # itself): it is a stream that was working that goes silent.
        page.wait_for_function(
            "() => (window.__streams || []).some((line) => line.endsWith('message progress'))"
        )
        before = proxy.stream_connections

        proxy.freeze_streams()
        try:
            succeeded = live.locator(".op-step-label", has_text=re.compile(r"^Succeeded$"))
            succeeded.wait_for(timeout=30_000)
        except Exception as error:
            row = Operation.objects.order_by("created_at").values("status", "step_index").last()
            raise AssertionError(
                f"the page did not catch up: {proxy.stream_connections - before} stream "
                f"connections since the freeze; the operation: {row}; the browser's streams: "
                f"{page.evaluate('window.__streams')[-12:]}"
            ) from error
        assert proxy.stream_connections > before  # opened again, through the same proxy
        opened = [
            line for line in page.evaluate("window.__streams") if " open /operations/" in line
        ]
        assert any("/events?view=detail" in line for line in opened[1:]), opened
    finally:
        proxy.stop()
