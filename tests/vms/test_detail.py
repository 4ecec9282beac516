"""The VM page: every attribute, discs, network, history, and at most two API calls."""

from __future__ import annotations

from typing import Any

from panel.credentials.clients import count_api_calls, definitions
from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    sim_patch,
    text,
    vm_id_of,
    vm_url,
)


def _warm_definitions() -> None:
    # Definitions are cached for everyone; the page's budget is its own VM reads.
    definitions()


def test_page_shows_every_attribute_discs_network_and_history(demo_client: Any, sim: Any) -> None:
    response = demo_client.get(vm_url("web1") + "?all=1")  # every section, as without JS

    assert response.status_code == 200
    page = text(response)
    vm_id = vm_id_of(sim, "web1")
    for expected in (
        "web1.web.demo.uk0.bigv.io",  # hostname
        "Running",
        "Auto-reboot On",
        "Cores 2",
        "Memory 2 GiB",
        "virtio2013 (not locked)",
        "Zone york",
        "Keymap None (default)",
        "CD-ROM None",
        "Last imaged with bookworm",
        f"ID {vm_id}",
    ):
        assert expected in page, expected
    state = sim.world.vms[vm_id]
    assert f"Head {state.head}" in page
    html = response.content.decode()
    assert "Management address" in page and "172.16." in html
    # Breadcrumbs: Home, account, group, vm.
    assert 'href="/accounts/demo/"' in html and 'href="/accounts/demo/groups/web/"' in html
    assert '<span aria-current="page">web1</span>' in html
    # Discs in human units, with grade; network interfaces with every address.
    assert "25 GiB" in page and "50 GiB" in page and "ssd" in page and "sata" in page
    assert 'id="vm-network"' in html and "fe:ff:ff" in html
    assert "192.0.2.2" in html and "Additional, routed via" in page
    # rDNS is loaded lazily, one fragment per address.
    assert 'hx-trigger="load"' in html and "/ips/192.0.2.2/rdns/" in html
    # Audit history section, and the action groups.
    assert 'id="vm-history"' in html and "No recorded actions yet." in page
    for group in ("Power", "Settings", "Danger zone", "Add a disc"):
        assert group in page


def test_page_makes_one_api_call_for_a_live_vm(demo_client: Any, sim: Any) -> None:
    _warm_definitions()
    clear_requests(sim)
    with count_api_calls() as calls:
        response = demo_client.get(vm_url("web1"))

    assert response.status_code == 200
    assert len(calls) == 1
    [request] = brain_requests(sim)
    assert request["method"] == "GET"
    assert request["path"] == "/accounts/demo/groups/web/virtual_machines/web1"
    assert "view=overview" in str(request["query"])


def test_deleted_vm_takes_two_calls_and_offers_only_undelete_and_purge(
    demo_client: Any, sim: Any
) -> None:
    _warm_definitions()
    with count_api_calls() as calls:
        response = demo_client.get(vm_url("staging", group="default"))

    assert response.status_code == 200
    assert len(calls) == 2  # 404 without include_deleted, then with it
    assert [c.status for c in calls.calls] == [404, 200]
    page = text(response)
    assert "Deleted" in page and "Undelete" in page and "Purge staging" in page
    for absent in ("Start", "Stop (hard)", "Rename", "Insert ISO", "Add a disc", "Delete VM"):
        assert absent not in page, absent


def test_show_deleted_asks_once_with_include_deleted(demo_client: Any, sim: Any) -> None:
    _warm_definitions()
    clear_requests(sim)
    with count_api_calls() as calls:
        response = demo_client.get(vm_url("staging", group="default") + "?deleted=1")

    assert response.status_code == 200 and len(calls) == 1
    [request] = brain_requests(sim)
    assert "include_deleted=true" in str(request["query"])


def test_powered_off_vm_offers_start_but_no_signals(demo_client: Any, sim: Any) -> None:
    response = demo_client.get(vm_url("db2", group="db"))

    html = response.content.decode()
    assert "Powered off: signals and key presses need a running VM." in text(response)
    assert 'id="sendkey-form"' not in html
    start = html.split("/db2/start/")[2].split("</form>")[0]
    assert "disabled" not in start
    for action in ("reboot", "powerdown", "stop", "reset"):
        form = html.split(f"/db2/{action}/")[2].split("</form>")[0]
        assert "disabled" in form, action


def test_locked_profile_and_iso_url_are_shown(demo_client: Any, sim: Any) -> None:
    legacy = text(demo_client.get(vm_url("legacy", group="default")))
    assert "compatibility2013 (locked)" in legacy and "Unlock hardware profile" in legacy

    builder = demo_client.get(vm_url("builder", group="default")).content.decode()
    # An http(s) ISO URL may be a link; it opens nothing on our origin.
    assert '<a href="http' in builder and 'rel="noopener noreferrer nofollow"' in builder


def test_vm_can_be_addressed_by_id(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    response = demo_client.get(vm_url(str(vm_id)))

    assert response.status_code == 200
    # Links and forms then use the VM's name.
    assert "/vms/web1/start/" in response.content.decode()


def test_unknown_vm_is_not_found(demo_client: Any, sim: Any) -> None:
    response = demo_client.get(vm_url("nosuchvm"))

    assert response.status_code == 404
    assert "Not found, or not visible to your BigV user." in text(response)


def test_viewer_may_read_the_vm_it_can_see(viewer_client: Any, sim: Any) -> None:
    assert viewer_client.get(vm_url("web1")).status_code == 200
    assert viewer_client.get(vm_url("web2")).status_code == 404


def test_rdns_fragment_is_one_call_and_editable(demo_client: Any, sim: Any) -> None:
    clear_requests(sim)
    with count_api_calls() as calls:
        response = demo_client.get(vm_url("web1", "ip_rdns", address="192.0.2.2"), **HTMX)

    assert response.status_code == 200 and len(calls) == 1
    assert [r["path"] for r in brain_requests(sim)] == ["/ips/192.0.2.2"]
    html = response.content.decode()
    assert 'id="rdns-192-0-2-2"' in html
    assert 'value="web1.web.demo.uk0.bigv.io"' in html  # default rDNS is the hostname
    assert "<html" not in html  # a fragment, not a page


def test_rdns_without_javascript_is_a_page(demo_client: Any, sim: Any) -> None:
    response = demo_client.get(vm_url("web1", "ip_rdns", address="2001:db8:0:1::1"))

    assert response.status_code == 200
    assert "<html" in response.content.decode() and "Reverse DNS of 2001:db8:0:1::1" in text(
        response
    )


def test_rdns_of_a_non_address_is_not_found(demo_client: Any, sim: Any) -> None:
    clear_requests(sim)
    response = demo_client.get(vm_url("web1", "ip_rdns", address="not-an-ip"), **HTMX)

    assert response.status_code == 404
    assert brain_requests(sim) == []


def test_rdns_fragment_failure_is_shown_in_place(demo_client: Any, sim: Any) -> None:
    from tests.vms.helpers import fault

    fault(sim, "GET", r"^/ips/", action="status", status=500, times=1)
    response = demo_client.get(vm_url("web1", "ip_rdns", address="192.0.2.2"), **HTMX)

    assert response.status_code == 502  # base.html makes htmx swap it into the cell
    assert response["HX-Retarget"] == "#rdns-192-0-2-2"
    assert "BigV is not answering right now" in text(response)


def test_panel_refresh_reads_the_vm_again(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    sim_patch(sim, vm_id, power_on=False)

    response = demo_client.get(vm_url("web1", "panel"), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="vm-panel"')
    assert "Off" in text(response)


def test_panel_refresh_without_htmx_goes_to_the_page(demo_client: Any, sim: Any) -> None:
    response = demo_client.get(vm_url("web1", "panel"))

    assert response.status_code == 302 and response["Location"] == vm_url("web1")


def test_not_connected_user_is_sent_to_the_connection_page(client: Any, db: Any, sim: Any) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="nobody", password="pw-9f3k-vms")
    client.force_login(user)

    response = client.get(vm_url("web1"))

    assert response.status_code == 302
    assert response["Location"].startswith("/bigv/")


def test_the_sections_below_the_panel_load_when_they_come_into_view(
    demo_client: Any, sim: Any
) -> None:
    _warm_definitions()
    page = demo_client.get(vm_url("web1")).content.decode()
    # The page itself: the panel, and a stand-in that htmx swaps for the rest when revealed;
    # without JavaScript its link opens the page with every section.
    later = page.split('id="vm-lower"', 1)[1].split("</section>", 1)[0]
    assert f'hx-get="{vm_url("web1", "lower")}"' in later and 'hx-trigger="revealed"' in later
    assert f'href="{vm_url("web1")}?all=1"' in later
    for section in ('id="vm-discs"', 'id="vm-network"', 'id="vm-history"', "Add a disc"):
        assert section not in page, section

    with count_api_calls() as calls:
        lower = demo_client.get(vm_url("web1", "lower"), **HTMX)
    assert lower.status_code == 200 and len(calls) == 1  # one read of the VM, made then
    html = lower.content.decode()
    for section in ('id="vm-discs"', 'id="vm-backups"', 'id="vm-network"', 'id="vm-history"'):
        assert section in html, section
    assert "<html" not in html

    without_js = demo_client.get(vm_url("web1", "lower"))
    assert without_js.status_code == 302 and without_js["Location"] == f"{vm_url('web1')}?all=1"
