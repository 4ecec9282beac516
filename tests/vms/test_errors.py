"""Every direct action against the panel's own refusals and real failures over HTTP.

Each action reads the VM first (by the URL's names, deleted ones included), then writes once:

- a person whose BigV level does not allow the action (the viewer holds only vm_console on
  web1) is refused by the panel after the read and before any write: 403 with the reason in
  words, audited *denied* (no API status), and BigV never sees a write;
- a VM with an active operation is refused the same way, but with 409: "busy: who is doing
  what", with a link to the operation;
- a 401, 500 or timeout of the write is shown as before, after two API calls (three for rDNS,
  which reads the address too), and audited refused or failed;
- a VM that does not exist fails on the read: one API call, audited refused with BigV's 404.

Each answer is an htmx fragment retargeted into the action's error slot with its own status
(base.html makes htmx swap 4xx/5xx).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from panel.credentials.clients import count_api_calls, definitions
from tests.vms.cases import CASE_NAMES, Case, case_named
from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    disc_ids,
    entries,
    fault,
    last_entry,
    sim_call,
    sim_vm,
    start_busy_operation,
    text,
    vm_id_of,
    writes_after_read,
)

RECONNECT = "Your BigV session has expired or was rejected"
NOT_FOUND = "Not found, or not visible to your BigV user."


def viewer_refusal(case: Case) -> str:
    """The panel's refusal of the viewer (vm_console on web1), in its exact words."""
    if case.lifecycle:
        return (
            "Your BigV user may not create, delete or move VMs in web1: that needs "
            "group_admin or above, and it holds vm_console there."
        )
    return (
        "Your BigV user may not change web1: that needs vm_admin or above, and it holds "
        "vm_console there."
    )


def _post(client: Any, sim: Any, name: str, *, vm: str = "web1", **extra: Any) -> Any:
    case = case_named(name, disc_ids(sim, "web1")[0])
    data = {"vm_id": str(vm_id_of(sim, "web1")), **case.data, **extra.pop("data", {})}
    definitions()  # cached for everyone, so not one of the action's calls
    clear_requests(sim)
    with count_api_calls() as calls:
        response = client.post(case.url(vm, **extra), data, **HTMX)
    response.api_calls = len(calls)
    response.case = case
    return response


def _assert_in_slot(response: Any, message: str, status: int, calls: int) -> None:
    assert response.status_code == status, response.content[:500]
    assert response["HX-Retarget"] == f"#{response.case.errors_slot}"
    assert response["HX-Reswap"] == "innerHTML"
    assert message in text(response)
    assert response.api_calls == calls


@pytest.mark.parametrize("name", CASE_NAMES)
def test_forbidden_is_refused_by_the_panel_before_any_write(
    name: str, viewer_client: Any, sim: Any
) -> None:
    vm_id = vm_id_of(sim, "web1")
    before = sim_vm(sim, vm_id)

    response = _post(viewer_client, sim, name)

    message = viewer_refusal(response.case)
    _assert_in_slot(response, message, 403, calls=1)  # the read only
    assert writes_after_read(sim, "web1") == []
    assert sim_vm(sim, vm_id) == before
    entry = last_entry(response.case.action)
    assert entry.outcome == "denied"
    assert entry.api_status is None and entry.api_error == message
    assert entry.actor_username == "victor"
    assert entry.target_label == "web1 in demo/web"
    assert entry.target_id == str(vm_id)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_busy_vm_is_refused_with_a_link_to_its_operation(
    name: str, demo_client: Any, demo_user: Any, sim: Any
) -> None:
    operation = start_busy_operation(demo_user, "web1")
    vm_id = vm_id_of(sim, "web1")
    before = sim_vm(sim, vm_id)

    response = _post(demo_client, sim, name)

    busy = f"busy: olivia is {operation.doing}"
    assert "web1" in busy
    _assert_in_slot(response, busy, 409, calls=1)
    link = reverse("operations:detail", args=[operation.pk])
    assert f'{busy} — <a href="{link}">see what is running</a>.' in response.content.decode()
    assert writes_after_read(sim, "web1") == []
    assert sim_vm(sim, vm_id) == before
    entry = last_entry(response.case.action)
    assert entry.outcome == "denied"
    assert entry.api_status is None and entry.api_error == busy
    assert entry.actor_username == "olivia"
    assert entry.target_label == "web1 in demo/web" and entry.target_id == str(vm_id)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_unauthorized_asks_to_reconnect(name: str, demo_client: Any, sim: Any) -> None:
    case = case_named(name, 0)
    fault(sim, case.method, case.path, action="status", status=401, times=1)

    response = _post(demo_client, sim, name)

    _assert_in_slot(response, RECONNECT, 401, calls=case.calls)
    assert "Reconnect to BigV" in text(response)
    entry = last_entry(case.action)
    assert (entry.outcome, entry.api_status, entry.actor_username) == ("refused", 401, "olivia")


@pytest.mark.parametrize("name", CASE_NAMES)
def test_server_error_asks_to_retry(name: str, demo_client: Any, sim: Any) -> None:
    case = case_named(name, 0)
    fault(sim, case.method, case.path, action="status", status=500, times=1)

    response = _post(demo_client, sim, name)

    _assert_in_slot(response, "BigV is not answering right now (error 500)", 502, case.calls)
    entry = last_entry(case.action)
    assert (entry.outcome, entry.api_status) == ("failed", 500)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_timeout_says_the_change_may_have_happened(
    name: str, demo_client: Any, sim: Any, settings: Any
) -> None:
    settings.BIGV_DEADLINE = 0.5
    case = case_named(name, 0)
    # "hang", not "delay": a delayed request would still be applied after the client gave
    # up, possibly to the next test's freshly seeded world. A hung one is dropped unapplied
    # when the fault is deleted.
    fault(sim, case.method, case.path, action="hang", times=1)
    try:
        response = _post(demo_client, sim, name)
    finally:
        sim_call(sim, "DELETE", "/faults")

    _assert_in_slot(response, "did not answer in time", 504, calls=case.calls)
    assert "may or may not have been made" in text(response)
    entry = last_entry(case.action)
    assert entry.outcome == "failed" and entry.api_status is None
    assert entry.api_error.startswith("TimedOut")


@pytest.mark.parametrize("name", [n for n in CASE_NAMES if n != "ip_rdns"])
def test_unknown_vm_is_not_found(name: str, demo_client: Any, sim: Any) -> None:
    extra = {"data": {"confirm_name": "ghost"}} if name == "purge" else {}
    response = _post(demo_client, sim, name, vm="ghost", **extra)

    _assert_in_slot(response, NOT_FOUND, 404, calls=1)  # the read fails: nothing is written
    assert writes_after_read(sim, "ghost") == []
    assert [r["status"] for r in brain_requests(sim)] == [404]
    entry = last_entry(response.case.action)
    assert (entry.outcome, entry.api_status) == ("refused", 404)
    assert entry.target_label == "ghost in demo/web"


def test_address_not_of_the_vm_is_refused(demo_client: Any, sim: Any) -> None:
    response = _post(demo_client, sim, "ip_rdns", address="203.0.113.250")

    assert response.status_code == 403
    assert response["HX-Retarget"] == "#rdns-203-0-113-250-form-errors"
    assert "203.0.113.250 is not one of web1's addresses." in text(response)
    assert response.api_calls == 1 and writes_after_read(sim, "web1") == []


def test_forbidden_without_javascript_is_a_page(viewer_client: Any, sim: Any) -> None:
    case = case_named("start", 0)
    clear_requests(sim)

    response = viewer_client.post(case.url(), {"vm_id": "1"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "<html" in html and viewer_refusal(case) in text(response)
    assert writes_after_read(sim, "web1") == []
    assert [e.outcome for e in entries(case.action)] == ["denied"]
