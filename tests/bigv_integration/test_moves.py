"""Addresses, moves and rescue boots through ``panel.bigv`` against the simulator over real
HTTP, with faults (docs/bigv-api.md §5.5 retries, §7.5, §7.6, §8.6, §8.8; §13 C70-C72).

What is retried and what is not matters most here: a POST is never sent twice; deleting an
address and moving a disc are sent once (a retry could remove an address the pool already
gave to someone else, or report a 404 for a move that happened); booting into rescue is a
PUT that may be repeated.
"""

from __future__ import annotations

import pytest

from panel.bigv import (
    Appliance,
    BadRequest,
    BigVClient,
    ClientConfig,
    ConnectionFailed,
    ServerError,
    Unavailable,
)
from tests.bigv_integration.conftest import REBOOT, Control, Sim

QUICK = ClientConfig(retries=2, backoff_base=0.01, backoff_cap=0.02)
WEB = ("demo", "web")


@pytest.fixture
def quick(bsim: Sim) -> BigVClient:
    return bsim.client(bsim.login("demo"), config=QUICK)


def _calls(ctl: Control, since: int, method: str, prefix: str) -> list[dict]:
    return [
        r for r in ctl.requests(since) if r["method"] == method and r["path"].startswith(prefix)
    ]


def test_add_and_delete_additional_addresses(quick: BigVClient) -> None:
    vm = quick.vm(*WEB, "web2")
    nic = vm.network_interfaces[0]
    made = quick.ip_create(*WEB, "web2", nic.id, addresses=2, reason="TLS sites")
    assert (made.addresses, made.family, made.reason, len(made.ips)) == (2, "ipv4", "TLS sites", 2)
    after = quick.vm(*WEB, "web2").network_interfaces[0]
    assert after.extra_ips == dict.fromkeys(made.ips, nic.ips[0])
    quick.ip_delete(made.ips[0])
    assert set(quick.vm(*WEB, "web2").network_interfaces[0].extra_ips) == {made.ips[1]}


def test_bigv_refusals_reach_the_caller_with_their_field(quick: BigVClient) -> None:
    nic = quick.vm(*WEB, "web1").network_interfaces[0]  # already holds one extra address
    with pytest.raises(BadRequest) as v6:
        quick.ip_create(*WEB, "web1", nic.id, family="ipv6", reason="x")
    assert list(v6.value.field_errors) == ["family"] and v6.value.is_refusal
    with pytest.raises(BadRequest) as many:
        quick.ip_create(*WEB, "web1", nic.id, addresses=4, reason="x")
    assert "maximum of 4" in many.value.field_errors["addresses"][0]
    with pytest.raises(BadRequest) as primary:
        quick.ip_delete(nic.ips[0])
    assert list(primary.value.field_errors) == ["address"]


def test_ip_create_is_never_retried(quick: BigVClient, ctl: Control) -> None:
    nic = quick.vm(*WEB, "web2").network_interfaces[0]
    ctl.fault(method="POST", path="/ip_create$", action="status", status=503, times=1)
    since = ctl.last_seq()
    with pytest.raises(Unavailable):
        quick.ip_create(*WEB, "web2", nic.id, reason="x")
    assert len(_calls(ctl, since, "POST", "/accounts/")) == 1


@pytest.mark.parametrize("action", ["status", "reset"])
def test_deleting_an_address_is_sent_once(quick: BigVClient, ctl: Control, action: str) -> None:
    extra = next(iter(quick.vm(*WEB, "web1").network_interfaces[0].extra_ips))
    ctl.fault(method="DELETE", path="^/ips/", action=action, status=503, times=1)
    since = ctl.last_seq()
    with pytest.raises(Unavailable if action == "status" else ConnectionFailed):
        quick.ip_delete(extra)
    assert len(_calls(ctl, since, "DELETE", "/ips/")) == 1
    # Nothing reached the brain: the address is still there, and a new call removes it.
    assert extra in quick.vm(*WEB, "web1").network_interfaces[0].extra_ips
    quick.ip_delete(extra)
    assert quick.vm(*WEB, "web1").network_interfaces[0].extra_ips == {}


def test_rdns_put_is_still_retried(quick: BigVClient, ctl: Control) -> None:
    """The contrast: a PUT of an absolute value is repeated after a 503."""
    address = quick.vm(*WEB, "web2").network_interfaces[0].ips[0]
    ctl.fault(method="PUT", path="^/ips/", action="status", status=503, times=1,
              headers={"Retry-After": "0"})  # fmt: skip
    since = ctl.last_seq()
    assert quick.ip_set_rdns(address, "www.example.com").rdns == "www.example.com"
    assert len(_calls(ctl, since, "PUT", "/ips/")) == 2


def test_swap_primary_and_additional_addresses(quick: BigVClient, ids: dict[str, int]) -> None:
    web1, db2 = quick.vm(*WEB, "web1"), quick.vm("demo", "db", "db2")
    with pytest.raises(BadRequest) as running:
        quick.ips_swap(web1.id, db2.id)
    assert running.value.field_errors == {"virtual_machine_1_id": ["must be powered off"]}
    quick.vm_stop(*WEB, "web1")
    swapped = quick.ips_swap(web1.id, db2.id, move_additional=True)
    assert swapped.first.ips == db2.network_interfaces[0].ips
    assert swapped.second.ips == web1.network_interfaces[0].ips
    assert set(swapped.second.extra_ips) == set(web1.network_interfaces[0].extra_ips)
    # The swap is its own inverse.
    back = quick.ips_swap(web1.id, db2.id, move_additional=True)
    assert back.first.ips == web1.network_interfaces[0].ips
    assert back.first.extra_ips == web1.network_interfaces[0].extra_ips


def test_swap_is_never_retried(quick: BigVClient, ctl: Control) -> None:
    web1, db2 = quick.vm(*WEB, "web1"), quick.vm("demo", "db", "db2")
    quick.vm_stop(*WEB, "web1")
    ctl.fault(method="POST", path="swap_virtual_machine_ips$", action="status", status=502,
              times=1)  # fmt: skip
    since = ctl.last_seq()
    with pytest.raises(ServerError):
        quick.ips_swap(web1.id, db2.id)
    assert len(_calls(ctl, since, "POST", "/ips/")) == 1
    assert quick.vm(*WEB, "web1").network_interfaces[0].ips == web1.network_interfaces[0].ips


def test_move_a_disc_and_back(quick: BigVClient, ctl: Control) -> None:
    web1, db2 = quick.vm(*WEB, "web1"), quick.vm("demo", "db", "db2")
    data = quick.disc_create(*WEB, "web1", size=1024, label="logs")  # db2 has a disc-2
    quick.vm_stop(*WEB, "web1")
    with pytest.raises(BadRequest) as boot:
        quick.disc_move(*WEB, "web1", web1.discs[0].label, to_vm_id=db2.id)
    assert boot.value.field_errors["virtual_machine_id"] == ["the boot disc cannot be moved"]
    ctl.fault(method="PUT", path="/discs/", action="status", status=503, times=1)
    since = ctl.last_seq()
    with pytest.raises(Unavailable):
        quick.disc_move(*WEB, "web1", data.id, to_vm_id=db2.id)
    assert len(_calls(ctl, since, "PUT", "/accounts/")) == 1  # sent once
    moved = quick.disc_move(*WEB, "web1", data.id, to_vm_id=db2.id)
    assert moved.virtual_machine_id == db2.id
    assert data.id in {d.id for d in quick.vm("demo", "db", "db2").discs}
    back = quick.disc_move("demo", "db", "db2", data.id, to_vm_id=web1.id)
    assert back.virtual_machine_id == web1.id


def test_move_a_vm_to_another_account(bsim: Sim, ctl: Control) -> None:
    ctl.call("POST", "/users", {
        "username": "twoaccounts", "password": "pw-two-accounts", "api_key": "two-accounts-key",
        "privileges": [{"level": "account_admin", "account": "demo"},
                       {"level": "account_admin", "account": "other"}],
    })  # fmt: skip
    client = bsim.client("apikey.two-accounts-key", config=QUICK)
    target = client.group("other", "default")
    with pytest.raises(BadRequest) as running:
        client.vm_move("demo", "web", "web2", group_id=target.id)
    assert list(running.value.field_errors) == ["group_id"]
    client.vm_stop("demo", "web", "web2")
    moved = client.vm_move("demo", "web", "web2", group_id=target.id)
    assert moved.group_id == target.id
    assert client.vm("other", "default", "web2").hostname == "web2.default.other.uk0.bigv.io"
    # demo alone may not move it back into its account: it cannot read the other account.
    demo = bsim.user("demo")
    assert all(vm.name != "web2" for vm in demo.vms("demo", "web"))


def test_rescue_boot_and_back(quick: BigVClient, ctl: Control) -> None:
    db2 = quick.vm("demo", "db", "db2")  # powered off
    assert db2.appliance is None
    ctl.fault(method="PUT", path="/virtual_machines/db2$", action="status", status=503,
              times=1, headers={"Retry-After": "0"})  # fmt: skip
    since = ctl.last_seq()
    rescued = quick.vm_start_appliance("demo", "db", "db2")
    assert len(_calls(ctl, since, "PUT", "/accounts/")) == 2  # retried: a PUT
    assert (rescued.power_on, rescued.appliance) == (True, Appliance("rescue", False))
    # Sending it again (as a retry after a lost answer would) changes nothing.
    assert quick.vm_start_appliance("demo", "db", "db2").appliance == Appliance("rescue")
    # Back: a hard restart boots its own discs.
    quick.vm_restart("demo", "db", "db2")
    ctl.advance(REBOOT)
    back = quick.vm("demo", "db", "db2")
    assert (back.power_on, back.appliance) == (True, None)
    with pytest.raises(BadRequest) as running:
        quick.vm_start_appliance("demo", "db", "db2")
    assert list(running.value.field_errors) == ["appliance"]
