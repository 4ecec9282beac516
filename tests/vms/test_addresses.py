"""Additional addresses from the VM page's network section: add some (count, family,
reason), give one back (typed confirmation). HTTP level, against the simulator: the VM is
read first, then one write; BigV's refusals are shown beside the field they name."""

from __future__ import annotations

from typing import Any

from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    entries,
    fault,
    last_entry,
    start_busy_operation,
    text,
    vm_addresses,
    vm_id_of,
    vm_url,
    writes_after_read,
)

EXTRA = "192.0.2.16"  # web1's seeded additional address


def _add(client: Any, name: str = "web2", **data: Any) -> Any:
    body = {"count": 2, "family": "ipv4", "reason": "TLS sites", **data}
    return client.post(vm_url(name, "ip_add"), body, **HTMX)


def test_the_page_offers_adding_removing_and_swapping(demo_client: Any, sim: Any) -> None:
    page = demo_client.get(vm_url("web1") + "?all=1").content.decode()
    assert 'id="ip-add-form"' in page
    assert f'id="ip-delete-{EXTRA.replace(".", "-")}-form"' in page
    assert "/operations/vm/demo/web/web1/swap-addresses/" in page
    # Only additional addresses can go: no delete form for a primary one.
    assert 'id="ip-delete-192-0-2-2-form"' not in page


def test_add_addresses(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web2")
    clear_requests(sim)
    response = _add(demo_client, vm_id=vm_id)
    assert response.status_code == 200
    create, *rest = writes_after_read(sim, "web2")
    assert create["method"] == "POST" and create["path"].endswith("/ip_create")
    added = [ip for ip in vm_addresses(sim, "web2") if ip not in ("192.0.2.3", "2001:db8:0:2::1")]
    assert len(added) == 2
    # The network section read again: the new addresses are on the page, with a message.
    assert [r["method"] for r in rest] == ["GET"]
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="vm-network"')
    assert all(ip in html for ip in added) and f"Added {', '.join(added)} to web2." in text(
        response
    )
    entry = last_entry("ip.create")
    assert (entry.outcome, entry.target_id) == ("succeeded", str(vm_id))
    assert entry.params == {"addresses": 2, "family": "ipv4", "reason": "TLS sites"}
    assert entry.before == {"additional": []} and entry.after == {"added": added}


def test_invalid_input_reaches_no_api(demo_client: Any, sim: Any) -> None:
    clear_requests(sim)
    for data in ({"count": 5}, {"count": 0}, {"reason": "  "}, {"family": "ipx"}):
        response = _add(demo_client, **data)
        assert response.status_code == 400, data
    assert brain_requests(sim) == []
    assert entries("ip.create") == []


def test_bigv_refusals_beside_their_field(demo_client: Any, sim: Any) -> None:
    # IPv6 additional addresses: BigV refuses them today ([DOCS] NICs), the form says so.
    v6 = _add(demo_client, "web1", count=1, family="ipv6")
    assert v6.status_code == 400
    assert "is not included in the list" in text(v6)
    assert 'id="ip-add-form"' in v6.content.decode()  # the form again, what was typed kept
    # A fifth additional address: named "addresses" by BigV, shown beside "How many".
    many = _add(demo_client, "web1", count=4)
    assert many.status_code == 400 and "maximum of 4" in text(many)
    assert [e.outcome for e in entries("ip.create")] == ["refused", "refused"]
    assert vm_addresses(sim, "web1").count(EXTRA) == 1


def test_remove_an_additional_address_with_typed_confirmation(demo_client: Any, sim: Any) -> None:
    url = vm_url("web1", "ip_delete", address=EXTRA)
    clear_requests(sim)
    wrong = demo_client.post(url, {"confirm_address": "192.0.2.2"}, **HTMX)
    assert wrong.status_code == 400 and f"Type {EXTRA} exactly" in text(wrong)
    assert brain_requests(sim) == []
    response = demo_client.post(url, {"confirm_address": EXTRA}, **HTMX)
    assert response.status_code == 200
    delete, _read_again = writes_after_read(sim, "web1")
    assert (delete["method"], delete["path"]) == ("DELETE", f"/ips/{EXTRA}")
    assert EXTRA not in vm_addresses(sim, "web1")
    assert f"Removed {EXTRA} from web1" in text(response)
    entry = last_entry("ip.delete")
    assert entry.outcome == "succeeded"
    assert entry.before == {"address": EXTRA, "routed_via": "192.0.2.2"}


def test_a_primary_address_is_never_sent_for_removal(demo_client: Any, sim: Any) -> None:
    clear_requests(sim)
    url = vm_url("web1", "ip_delete", address="192.0.2.2")
    response = demo_client.post(url, {"confirm_address": "192.0.2.2"}, **HTMX)
    assert response.status_code == 400 and "primary address" in text(response)
    assert writes_after_read(sim, "web1") == []
    # Nor another VM's address, from this VM's page.
    other = demo_client.post(
        vm_url("web1", "ip_delete", address="192.0.2.3"), {"confirm_address": "192.0.2.3"}, **HTMX
    )
    assert other.status_code == 403 and "not one of web1's addresses" in text(other)
    assert last_entry("ip.delete").outcome == "denied"
    assert "192.0.2.3" in vm_addresses(sim, "web2")


def test_no_javascript_confirmation_page(demo_client: Any, sim: Any) -> None:
    url = vm_url("web1", "ip_delete", address=EXTRA)
    page = demo_client.get(url)
    assert page.status_code == 200 and "Type the address to confirm" in text(page)
    done = demo_client.post(url, {"confirm_address": EXTRA})
    assert done.status_code == 302 and EXTRA not in vm_addresses(sim, "web1")


def test_a_failure_that_may_have_applied_is_not_retried(demo_client: Any, sim: Any) -> None:
    fault(sim, "DELETE", "^/ips/", action="status", status=503, times=1)
    clear_requests(sim)
    url = vm_url("web1", "ip_delete", address=EXTRA)
    response = demo_client.post(url, {"confirm_address": EXTRA}, **HTMX)
    assert response.status_code == 503
    assert [r["method"] for r in writes_after_read(sim, "web1")] == ["DELETE"]
    assert last_entry("ip.delete").outcome == "failed"


def test_viewer_is_not_offered_and_refused(viewer_client: Any, sim: Any) -> None:
    page = viewer_client.get(vm_url("web1") + "?all=1").content.decode()
    assert 'id="ip-add-form"' not in page and "ip-delete-" not in page
    clear_requests(sim)
    refused = _add(viewer_client, "web1")
    assert refused.status_code == 403
    assert writes_after_read(sim, "web1") == []


def test_busy_vm_refused(demo_user: Any, demo_client: Any, sim: Any) -> None:
    start_busy_operation(demo_user, "web2")
    response = _add(demo_client, "web2")
    assert response.status_code == 409 and "busy" in text(response)
