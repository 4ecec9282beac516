"""Reverse DNS of the VM's addresses: the VM read (the address must be one of its own), the
address read (the audit's "before"), then one PUT."""

from __future__ import annotations

from typing import Any

import pytest

from panel.vms.forms import RdnsForm
from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    last_entry,
    text,
    vm_addresses,
    vm_id_of,
    vm_url,
    writes_after_read,
)


def _set(client: Any, address: str, rdns: str, **extra: Any) -> Any:
    url = vm_url("web1", "ip_rdns", address=address)
    return client.post(url, {"rdns": rdns, **extra}, **HTMX)


def test_set_rdns(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    clear_requests(sim)

    response = _set(demo_client, "192.0.2.2", "www.example.com", vm_id=vm_id)

    read_ip, request = writes_after_read(sim, "web1")
    assert (read_ip["method"], read_ip["path"]) == ("GET", "/ips/192.0.2.2")
    assert (request["method"], request["path"]) == ("PUT", "/ips/192.0.2.2")
    assert sim.world.rdns["192.0.2.2"] == "www.example.com"
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="rdns-192-0-2-2"')
    assert "Reverse DNS of 192.0.2.2 is now www.example.com." in text(response)
    assert 'value="www.example.com"' in html
    entry = last_entry("ip.rdns")
    assert entry.outcome == "succeeded" and entry.target_id == str(vm_id)
    assert entry.params == {"address": "192.0.2.2", "rdns": "www.example.com"}
    assert entry.before == {"rdns": "web1.web.demo.uk0.bigv.io"}  # BigV's default: the hostname
    assert entry.after == {"rdns": "www.example.com"}


def test_rdns_before_is_what_bigv_had(demo_client: Any, sim: Any) -> None:
    with sim.world.lock:
        sim.world.rdns["192.0.2.2"] = "old.example.com"  # set elsewhere since the page loaded

    _set(demo_client, "192.0.2.2", "new.example.com", shown_rdns="web1.web.demo.uk0.bigv.io")

    entry = last_entry("ip.rdns")
    assert entry.before == {"rdns": "old.example.com"}
    assert entry.after == {"rdns": "new.example.com"}


def test_rdns_of_another_vms_address_is_refused(demo_client: Any, sim: Any) -> None:
    # olivia may change both VMs, but web1's page is no way to rename web2's address.
    address = vm_addresses(sim, "web2")[0]
    assert address not in vm_addresses(sim, "web1")
    rdns_before = dict(sim.world.rdns)
    clear_requests(sim)

    response = _set(demo_client, address, "www.example.com")

    assert response.status_code == 403
    assert response["HX-Retarget"] == f"#rdns-{RdnsForm.slug(address)}-form-errors"
    assert f"{address} is not one of web1's addresses." in text(response)
    assert writes_after_read(sim, "web1") == []  # not even the address was read
    assert sim.world.rdns == rdns_before


def test_set_rdns_of_an_ipv6_address(demo_client: Any, sim: Any) -> None:
    response = _set(demo_client, "2001:db8:0:1::1", "v6.example.com.")

    assert response.status_code == 200
    assert "is now v6.example.com" in text(response)  # trailing dot dropped


@pytest.mark.parametrize(
    ("rdns", "message"),
    [
        ("localhost", "Enter a full host name"),
        ("bad_host.example.com", "Each part needs 1 to 63 letters"),
        ("-x.example.com", "Each part needs 1 to 63 letters"),
        ("www.example.123", "The last part cannot be a number."),
        ("a" * 64 + ".example.com", "Each part needs 1 to 63 letters"),
        (("a" * 60 + ".") * 5 + "com", "Use at most 253 characters."),
    ],
)
def test_invalid_hostnames_make_no_call(
    rdns: str, message: str, demo_client: Any, sim: Any
) -> None:
    clear_requests(sim)

    response = _set(demo_client, "192.0.2.2", rdns)

    assert brain_requests(sim) == []
    assert response["HX-Retarget"] == "#rdns-192-0-2-2"
    assert message in text(response)
    assert f'value="{rdns}"' in response.content.decode()


def test_viewer_may_read_but_not_set_rdns(viewer_client: Any, sim: Any) -> None:
    read = viewer_client.get(vm_url("web1", "ip_rdns", address="192.0.2.2"), **HTMX)
    assert read.status_code == 200 and "web1.web.demo.uk0.bigv.io" in read.content.decode()

    # The viewer's fragment has no form; a forged POST is refused by the panel, not BigV.
    assert "<form" not in read.content.decode()
    clear_requests(sim)

    response = _set(viewer_client, "192.0.2.2", "www.example.com")

    message = (
        "Your BigV user may not change web1: that needs vm_admin or above, and it holds "
        "vm_console there."
    )
    assert response.status_code == 403 and message in text(response)
    assert writes_after_read(sim, "web1") == []
    assert "192.0.2.2" not in sim.world.rdns
    entry = last_entry("ip.rdns")
    assert (entry.outcome, entry.api_status, entry.actor_username) == ("denied", None, "victor")
    assert entry.api_error == message
