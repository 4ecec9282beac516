"""A spec change watched live in a real browser: the panel under uvicorn (ASGI, so Server-
Sent Events stream; tests/e2e/live_panel.py), a real Celery worker, real Redis and the
simulator over HTTP.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.live_panel import SIM_SPEED, WATCH
from tests.operations.helpers import sim_call, vm_id_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery")]


def test_a_spec_change_is_watched_live_without_reloading(
    logged_in: Any, panel_url: str, sim: Any, screenshot: Any
) -> None:
    page = logged_in
    sim_call(sim, "POST", "/speed", {"speed": SIM_SPEED})
    page.add_init_script(WATCH)
    streams: list[str] = []
    page.on(
        "request", lambda request: streams.append(request.url) if "/events" in request.url else None
    )

    page.goto(f"{panel_url}/operations/vm/demo/web/web1/spec/")
    page.get_by_label("Cores").fill("4")
    page.get_by_label("Memory (GiB)").fill("4")
    page.get_by_role("button", name="Show the plan").click()
    plan = page.locator(".plan-text")
    plan.wait_for()
    assert plan.inner_text() == (
        "web1 is running → ACPI shutdown (up to 60 s, then hard off) → cores 2→4, "
        "memory 2→4 GiB → power on → verify"
    )
    screenshot("operations-01-plan")

    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/operations/[0-9a-f-]{36}/$"))
    operation_url = page.url
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    page.locator("#running-now summary").click()  # the header's list, open in the shot
    screenshot("operations-02-running")

    live = page.locator(".op-detail .op-live-body")
    live.locator(".op-step-label", has_text=re.compile(r"^Succeeded$")).wait_for(timeout=45_000)

    # The steps changed in place: several current steps were shown, the page never reloaded,
    # and the operation's own event stream fed it.
    seen = page.evaluate("window.__steps")
    assert len(seen) >= 3, seen
    assert seen[-1] == "Succeeded"
    assert any("ACPI shutdown" in step for step in seen) or any("cores" in step for step in seen)
    assert navigations == []
    assert page.url == operation_url
    op_id = operation_url.rstrip("/").rsplit("/", 1)[1]
    assert any(f"/operations/{op_id}/events" in url for url in streams), streams
    assert live.locator("progress").get_attribute("value") == "100"
    rows = live.locator("table.op-steps tbody tr")
    assert rows.count() == 4
    assert live.locator(".op-step-done").count() == 4
    # The header's "running now" followed too.
    page.locator("#running-now").get_by_text("Nothing running").wait_for()

    sim_vm = sim_call(sim, "GET", f"/vms/{vm_id_of(sim, 'web1')}")
    assert (sim_vm["cores"], sim_vm["memory"], sim_vm["power_on"]) == (4, 4096, True)
    screenshot("operations-03-finished")

    page.goto(f"{panel_url}/operations/")
    page.locator("table.ops").get_by_text("web1").wait_for()
    screenshot("operations-08-list")


def test_without_the_event_stream_the_page_polls_until_the_end(
    logged_in: Any, panel_url: str, sim: Any, screenshot: Any
) -> None:
    """A proxy that refuses the stream: the fragments switch to polling, still follow the
    steps, and stop polling (HTTP 286) once the operation has ended."""
    page = logged_in
    sim_call(sim, "POST", "/speed", {"speed": SIM_SPEED})
    page.add_init_script(WATCH)
    page.route(re.compile(r"/events(\?.*)?$"), lambda route: route.fulfill(status=503, body="no"))
    polls: list[int] = []
    page.on("response", lambda r: polls.append(r.status) if "/progress" in r.url else None)

    page.goto(f"{panel_url}/operations/vm/demo/web/web2/restart/")
    page.get_by_role("button", name="Show the plan").click()
    assert page.locator(".plan-text").inner_text() == (
        "web2 is running → ACPI shutdown (up to 60 s, then hard off) → power on again → verify"
    )
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/operations/[0-9a-f-]{36}/$"))

    live = page.locator(".op-detail .op-live-body")
    live.locator(".op-step-label", has_text=re.compile(r"^Succeeded$")).wait_for(timeout=45_000)

    seen = page.evaluate("window.__steps")
    assert len(seen) >= 2 and seen[-1] == "Succeeded", seen
    assert polls and polls[-1] == 286  # the last poll said "finished": htmx stopped polling
    assert all(status in (200, 286) for status in polls)
    assert page.locator(".op-detail .op-live").get_attribute("hx-trigger") is None
    # The header fell back to polling as well.
    assert page.locator("#running-now").get_attribute("hx-trigger") == "every 10s"
    screenshot("operations-04-finished-by-polling")


def test_a_wait_counts_down_in_the_page_between_the_server_s_updates(
    logged_in: Any, panel_url: str, sim: Any
) -> None:
    """The ACPI shutdown's "N s left" ticks in the browser (static/activity/live.js): the
    worker's polls that find nothing new say nothing, and the page still counts down."""
    page = logged_in
    sim_call(sim, "POST", "/speed", {"speed": 0.5})  # an ACPI shutdown of 8 s
    swaps: list[str] = []
    page.on("response", lambda r: swaps.append(r.url) if "/progress" in r.url else None)
    page.goto(f"{panel_url}/operations/vm/demo/web/web3/restart/")
    page.get_by_role("button", name="Show the plan").click()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/operations/[0-9a-f-]{36}/$"))

    countdown = page.locator(".op-detail .op-step-detail [data-op-countdown]")
    countdown.wait_for(timeout=15_000)
    detail = page.locator(".op-detail .op-step-detail").first
    assert re.fullmatch(
        r"waiting for the ACPI shutdown \((\d+ s|1 min) left\)", detail.inner_text()
    )
    first = _seconds(countdown.inner_text())
    # Two seconds fewer within four, with no help from the server.
    page.wait_for_function(
        """(first) => {
          const el = document.querySelector(".op-detail .op-step-detail [data-op-countdown]");
          const text = el ? el.textContent : "";
          const left = text === "1 min" ? 60 : parseInt(text, 10);
          return left <= first - 2;
        }""",
        arg=first,
        timeout=4_000,
    )
    assert swaps == []  # counted by the page itself: no poll, no new fragment
    sim_call(sim, "POST", "/speed", {"speed": SIM_SPEED})
    live = page.locator(".op-detail .op-live-body")
    live.locator(".op-step-label", has_text=re.compile(r"^Succeeded$")).wait_for(timeout=45_000)


def _seconds(text: str) -> int:
    return 60 if text == "1 min" else int(text.removesuffix(" s"))


def test_the_create_form_adds_disc_rows_with_htmx_and_keeps_the_password(
    logged_in: Any, panel_url: str, screenshot: Any
) -> None:
    page = logged_in
    page.goto(f"{panel_url}/operations/accounts/demo/create-vm/?group=web")
    page.locator("#id_name").fill("newbox")
    page.get_by_label("Root password").fill("correct-horse-battery")
    page.get_by_label("Size (GiB)").fill("40")
    page.get_by_role("button", name="Add a disc").click()
    page.locator('input[name="discs-1-size"]').wait_for()
    # Only the disc rows were swapped: what was typed elsewhere is still there.
    assert page.get_by_label("Root password").input_value() == "correct-horse-battery"
    assert page.locator('input[name="discs-0-size"]').input_value() == "40"
    page.locator('input[name="discs-1-size"]').fill("10")
    page.get_by_label("Image").select_option("bookworm")
    screenshot("operations-05-create-form")
    page.get_by_role("button", name="Show the plan").click()
    plan = page.locator(".plan-text")
    plan.wait_for()
    assert plan.inner_text().startswith("newbox does not exist yet in demo/web → create newbox")
    assert "correct-horse-battery" not in page.content()
    screenshot("operations-06-create-plan")

    page.goto(f"{panel_url}/operations/batches/new/?vm=demo/web/web1&vm=demo/db/db1&kind=power_off")
    page.get_by_text("2 VMs selected").wait_for()
    screenshot("operations-07-bulk-form")
