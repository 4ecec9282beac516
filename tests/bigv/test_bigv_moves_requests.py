"""The calls for addresses, moves and rescue boots: the exact request each sends (the CLI's
bodies, docs/bigv-api.md §7.5, §7.6, §8.8) and the type it returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import responses
from bigv_helpers import API
from test_bigv_requests import test_request_sent_and_result as sent_and_result

from panel.bigv import Appliance, BigVClient, Disc, IpAllocation, IpSwap, VirtualMachine

VMP = "/accounts/acme/groups/default/virtual_machines/web1"
VM = {
    "id": 7,
    "name": "web1",
    "group_id": 3,
    "cores": 1,
    "memory": 1024,
    "power_on": True,
    "autoreboot_on": True,
    "appliance": {"name": "rescue", "permanent": False},
}
DISC = {"id": 9, "label": "disc-2", "size": 20480, "storage_grade": "ssd", "virtual_machine_id": 8}
NIC = {
    "id": 4,
    "label": None,
    "mac": "fe:ff:00:00:00:04",
    "vlan_num": 1,
    "ips": ["192.0.2.9", "2001:db8::9"],
    "extra_ips": {},
    "virtual_machine_id": 7,
}
RESCUE = {
    "autoreboot_on": True,
    "power_on": True,
    "appliance": {"name": "rescue", "permanent": False},
}
Call = Callable[[BigVClient], Any]

# (call, method, path, query, body sent, reply body, reply status, result check), as the
# table of tests/bigv/test_bigv_requests.py, whose check runs each row.
CASES: list[tuple[str, Call, str, str, str, Any, Any, int, Callable[[Any], bool]]] = [
    ("ip_create", lambda c: c.ip_create("acme", "default", "web1", 4, addresses=2,
     reason="TLS sites"), "POST", VMP + "/nics/4/ip_create", "",
     {"addresses": 2, "family": "ipv4", "reason": "TLS sites", "contiguous": False},
     {"addresses": 2, "family": "ipv4", "reason": "TLS sites", "contiguous": False,
      "ips": ["192.0.2.20", "192.0.2.21"]}, 200,
     lambda r: r == IpAllocation(2, "ipv4", "TLS sites", ("192.0.2.20", "192.0.2.21"))),
    ("ip_create:v6_bare_answer", lambda c: c.ip_create("acme", "default", "web1", 4,
     family="ipv6", reason="x"), "POST", VMP + "/nics/4/ip_create", "",
     {"addresses": 1, "family": "ipv6", "reason": "x", "contiguous": False},
     {"ips": ["2001:db8::20"]}, 200, lambda r: r.addresses == 1 and r.ips == ("2001:db8::20",)),
    ("ip_delete", lambda c: c.ip_delete("192.0.2.20"), "DELETE", "/ips/192.0.2.20", "", None,
     None, 204, lambda r: r is None),
    ("ips_swap", lambda c: c.ips_swap(7, 8, move_additional=True), "POST",
     "/ips/swap_virtual_machine_ips", "",
     {"virtual_machine_1_id": 7, "virtual_machine_2_id": 8, "move_additional_ips": True},
     {"virtual_machine_1": NIC, "virtual_machine_2": {**NIC, "id": 5}}, 200,
     lambda r: isinstance(r, IpSwap) and (r.first.id, r.second.id) == (4, 5)),
    ("disc_move", lambda c: c.disc_move("acme", "default", "web1", "disc-2", to_vm_id=8), "PUT",
     VMP + "/discs/disc-2", "", {"virtual_machine_id": 8}, DISC, 200,
     lambda r: isinstance(r, Disc) and r.virtual_machine_id == 8),
    ("vm_start_appliance", lambda c: c.vm_start_appliance("acme", "default", "web1"), "PUT",
     VMP, "", RESCUE, VM, 200,
     lambda r: isinstance(r, VirtualMachine) and r.appliance == Appliance("rescue", False)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "method", "path", "query", "body", "reply", "status", "check"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_request_sent_and_result(
    client: BigVClient,
    rsps: responses.RequestsMock,
    call: Call,
    method: str,
    path: str,
    query: str,
    body: Any,
    reply: Any,
    status: int,
    check: Callable[[Any], bool],
) -> None:
    sent_and_result(client, rsps, call, method, path, query, body, reply, status, check)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.ip_create("a", "g", "v", 1, addresses=0, reason="x"),
        lambda c: c.ip_create("a", "g", "v", 1, addresses=5, reason="x"),
        lambda c: c.ip_create("a", "g", "v", 1, addresses=True, reason="x"),
        lambda c: c.ip_create("a", "g", "v", 1, family="ipx", reason="x"),
    ],
)
def test_ip_create_refuses_impossible_shapes_before_sending(
    client: BigVClient, rsps: responses.RequestsMock, call: Call
) -> None:
    with pytest.raises(ValueError):
        call(client)
    assert len(rsps.calls) == 0


def test_a_vm_without_appliance_says_none(client: BigVClient, rsps: responses.RequestsMock):
    plain = {k: v for k, v in VM.items() if k != "appliance"}
    rsps.add("GET", API + VMP, json=plain)
    assert client.vm("acme", "default", "web1").appliance is None
    rsps.replace("GET", API + VMP, json={**plain, "appliance": None})
    assert client.vm("acme", "default", "web1").appliance is None
