"""Every direct action against real failures over HTTP: 403, 401, 404, 500 and a timeout.

Each answer is an htmx fragment retargeted into the action's error slot with the error's own
status (base.html makes htmx swap 4xx/5xx), each failure is audited, and each makes exactly
one API call.
"""

from __future__ import annotations

from typing import Any

import pytest

from panel.credentials.clients import count_api_calls, definitions
from tests.vms.cases import CASE_NAMES, case_named
from tests.vms.helpers import HTMX, disc_ids, fault, last_entry, sim_call, text, vm_id_of

FORBIDDEN = "Your BigV user may not do this."
RECONNECT = "Your BigV session has expired or was rejected"
NOT_FOUND = "Not found, or not visible to your BigV user."


def _post(client: Any, sim: Any, name: str, *, vm: str = "web1", **extra: Any) -> Any:
    case = case_named(name, disc_ids(sim, "web1")[0])
    data = {"vm_id": str(vm_id_of(sim, "web1")), **case.data, **extra.pop("data", {})}
    definitions()  # cached for everyone, so not part of the action's one call
    with count_api_calls() as calls:
        response = client.post(case.url(vm, **extra), data, **HTMX)
    response.api_calls = len(calls)
    response.case = case
    return response


def _assert_in_slot(response: Any, message: str, status: int) -> None:
    assert response.status_code == status, response.content[:500]
    assert response["HX-Retarget"] == f"#{response.case.errors_slot}"
    assert response["HX-Reswap"] == "innerHTML"
    assert message in text(response)
    assert response.api_calls == 1


@pytest.mark.parametrize("name", CASE_NAMES)
def test_forbidden_is_said_in_words_and_audited_refused(
    name: str, viewer_client: Any, sim: Any
) -> None:
    response = _post(viewer_client, sim, name)

    _assert_in_slot(response, FORBIDDEN, 403)
    entry = last_entry(response.case.action)
    assert entry.outcome == "refused"
    assert entry.api_status == 403
    assert entry.actor_username == "victor"
    assert entry.target_label == "web1 in demo/web"
    assert entry.target_id == str(vm_id_of(sim, "web1"))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_unauthorized_asks_to_reconnect(name: str, demo_client: Any, sim: Any) -> None:
    case = case_named(name, 0)
    fault(sim, case.method, case.path, action="status", status=401, times=1)

    response = _post(demo_client, sim, name)

    _assert_in_slot(response, RECONNECT, 401)
    assert "Reconnect to BigV" in text(response)
    entry = last_entry(case.action)
    assert (entry.outcome, entry.api_status, entry.actor_username) == ("refused", 401, "olivia")


@pytest.mark.parametrize("name", CASE_NAMES)
def test_server_error_asks_to_retry(name: str, demo_client: Any, sim: Any) -> None:
    case = case_named(name, 0)
    fault(sim, case.method, case.path, action="status", status=500, times=1)

    response = _post(demo_client, sim, name)

    _assert_in_slot(response, "BigV is not answering right now (error 500)", 502)
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

    _assert_in_slot(response, "did not answer in time", 504)
    assert "may or may not have been made" in text(response)
    entry = last_entry(case.action)
    assert entry.outcome == "failed" and entry.api_status is None
    assert entry.api_error.startswith("TimedOut")


@pytest.mark.parametrize("name", [n for n in CASE_NAMES if n != "ip_rdns"])
def test_unknown_vm_is_not_found(name: str, demo_client: Any, sim: Any) -> None:
    extra = {"data": {"confirm_name": "ghost"}} if name == "purge" else {}
    response = _post(demo_client, sim, name, vm="ghost", **extra)

    _assert_in_slot(response, NOT_FOUND, 404)
    entry = last_entry(response.case.action)
    assert (entry.outcome, entry.api_status) == ("refused", 404)
    assert entry.target_label == "ghost in demo/web"


def test_unknown_address_is_not_found(demo_client: Any, sim: Any) -> None:
    response = _post(demo_client, sim, "ip_rdns", address="203.0.113.250")

    assert response.status_code == 404
    assert response["HX-Retarget"] == "#rdns-203-0-113-250-form-errors"
    assert NOT_FOUND in text(response)


def test_forbidden_without_javascript_is_a_page(viewer_client: Any, sim: Any) -> None:
    case = case_named("start", 0)

    response = viewer_client.post(case.url(), {"vm_id": "1"})

    assert response.status_code == 403
    assert "<html" in response.content.decode() and FORBIDDEN in text(response)
