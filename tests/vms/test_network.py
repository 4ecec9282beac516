"""Reverse DNS of the VM's addresses."""

from __future__ import annotations

from typing import Any

import pytest

from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    last_entry,
    text,
    vm_id_of,
    vm_url,
)


def _set(client: Any, address: str, rdns: str, **extra: Any) -> Any:
    url = vm_url("web1", "ip_rdns", address=address)
    return client.post(url, {"rdns": rdns, **extra}, **HTMX)


def test_set_rdns(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    clear_requests(sim)

    response = _set(
        demo_client,
        "192.0.2.2",
        "www.example.com",
        vm_id=vm_id,
        shown_rdns="web1.web.demo.uk0.bigv.io",
    )

    [request] = brain_requests(sim)
    assert (request["method"], request["path"]) == ("PUT", "/ips/192.0.2.2")
    assert sim.world.rdns["192.0.2.2"] == "www.example.com"
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="rdns-192-0-2-2"')
    assert "Reverse DNS of 192.0.2.2 is now www.example.com." in text(response)
    assert 'value="www.example.com"' in html
    entry = last_entry("ip.rdns")
    assert entry.outcome == "succeeded" and entry.target_id == str(vm_id)
    assert entry.params == {"address": "192.0.2.2", "rdns": "www.example.com"}
    assert entry.before == {"rdns": "web1.web.demo.uk0.bigv.io"}
    assert entry.after == {"rdns": "www.example.com"}


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

    response = _set(viewer_client, "192.0.2.2", "www.example.com")

    assert "Your BigV user may not do this." in text(response)
    entry = last_entry("ip.rdns")
    assert (entry.outcome, entry.api_status, entry.actor_username) == ("refused", 403, "victor")
