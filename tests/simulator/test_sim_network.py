"""NICs, additional IPs and reverse DNS (docs/bigv-api.md §7.6, §9)."""

from __future__ import annotations

from tests.simulator.helpers import Client, vm_id, vm_path


def _nic(client: Client, group: str, vm: str) -> dict:
    return client.get(vm_path(group, vm, "/nics")).json()[0]


def test_nics_nested_and_flat(demo: Client) -> None:
    nic = _nic(demo, "web", "web2")
    assert nic["type"] == "application/vnd.bigv.network-interface"
    assert demo.get(vm_path("web", "web2", f"/nics/{nic['id']}")).json() == nic
    assert demo.get(f"/nics/{nic['id']}").json() == nic
    assert demo.get("/nics/999999").status == 404


def test_ip_create_allocates_extra_ipv4(demo: Client) -> None:
    nic = _nic(demo, "web", "web2")
    body = {"addresses": 2, "family": "ipv4", "reason": "TLS sites", "contiguous": False}
    resp = demo.post(vm_path("web", "web2", f"/nics/{nic['id']}/ip_create"), body)
    assert resp.status == 200
    reply = resp.json()
    assert {k: reply[k] for k in ("addresses", "family", "reason", "contiguous")} == body
    assert len(reply["ips"]) == 2
    primary = nic["ips"][0]
    extra = _nic(demo, "web", "web2")["extra_ips"]
    assert extra == {ip: primary for ip in reply["ips"]}
    assert all(ip not in _nic(demo, "web", "web2")["ips"] for ip in reply["ips"])


def test_ip_create_limits(demo: Client) -> None:
    nic = _nic(demo, "web", "web1")  # already holds one extra IP
    path = vm_path("web", "web1", f"/nics/{nic['id']}/ip_create")
    assert demo.post(path, {"addresses": 1, "family": "ipv6"}).json() == {
        "family": ["is not included in the list"]
    }
    assert demo.post(path, {"addresses": 1, "contiguous": True}).json() == {
        "contiguous": ["is not implemented"]
    }
    assert demo.post(path, {"addresses": 0}).status == 400
    over = demo.post(path, {"addresses": 4})
    assert over.status == 400 and "maximum of 4" in over.json()["addresses"][0]
    assert demo.post(path, {"addresses": 3}).status == 200
    assert demo.post(path, {"addresses": 1}).status == 400


def test_ip_create_refusals_allocate_nothing(demo: Client) -> None:
    web1, web2 = _nic(demo, "web", "web1"), _nic(demo, "web", "web2")
    path = vm_path("web", "web2", f"/nics/{web2['id']}/ip_create")
    refused = [
        ({"addresses": 1, "family": "ipv6"}, {"family": ["is not included in the list"]}),
        ({"addresses": 1, "contiguous": True}, {"contiguous": ["is not implemented"]}),
    ]
    for body, errors in refused:
        resp = demo.post(path, body)
        assert (resp.status, resp.json()) == (400, errors)
    too_many = demo.post(path, {"addresses": 5})
    assert too_many.status == 400 and list(too_many.json()) == ["addresses"]
    # Another VM's NIC is not found under this VM.
    other = vm_path("web", "web2", f"/nics/{web1['id']}/ip_create")
    assert demo.post(other, {"addresses": 1}).status == 404
    assert _nic(demo, "web", "web2")["extra_ips"] == {}
    assert _nic(demo, "web", "web1")["extra_ips"] == web1["extra_ips"]


def test_rdns_defaults_to_the_hostname_and_can_be_set(demo: Client) -> None:
    ip = _nic(demo, "web", "web2")["ips"][0]
    got = demo.get(f"/ips/{ip}").json()
    assert got["address"] == ip and got["rdns"] == "web2.web.demo.uk0.bigv.io"
    updated = demo.put(f"/ips/{ip}", {"rdns": "www.example.com"})
    assert updated.status == 200 and updated.json()["rdns"] == "www.example.com"
    assert demo.get(f"/ips/{ip}").json()["rdns"] == "www.example.com"
    for bad in ("not a hostname", "-bad.example.com", "single", "a..b"):
        assert demo.put(f"/ips/{ip}", {"rdns": bad}).json() == {"rdns": ["is invalid"]}, bad
    ipv6 = _nic(demo, "web", "web2")["ips"][1]
    assert demo.get(f"/ips/{ipv6}").json()["rdns"] == "web2.web.demo.uk0.bigv.io"
    assert demo.get("/ips/203.0.113.250").status == 404


def test_only_extra_ips_can_be_deleted(demo: Client) -> None:
    nic = _nic(demo, "web", "web1")
    extra = next(iter(nic["extra_ips"]))
    primary = nic["ips"][0]
    assert demo.delete(f"/ips/{primary}").status == 400
    assert demo.delete(f"/ips/{extra}").status == 204
    assert _nic(demo, "web", "web1")["extra_ips"] == {}
    assert demo.get(f"/ips/{extra}").status == 404


def test_ip_privileges(viewer: Client, demo: Client) -> None:
    web1_ip = _nic(demo, "web", "web1")["ips"][0]
    web2_ip = _nic(demo, "web", "web2")["ips"][0]
    assert viewer.get(f"/ips/{web1_ip}").status == 200
    assert viewer.put(f"/ips/{web1_ip}", {"rdns": "a.example.com"}).status == 403
    assert viewer.get(f"/ips/{web2_ip}").status == 404


def test_swap_ips_needs_both_vms_off(demo: Client, sim) -> None:
    web1, db2 = vm_id(sim, "web1"), vm_id(sim, "db2")
    before1, before2 = _nic(demo, "web", "web1"), _nic(demo, "db", "db2")
    body = {"virtual_machine_1_id": web1, "virtual_machine_2_id": db2, "move_additional_ips": False}
    refused = demo.post("/ips/swap_virtual_machine_ips", body)
    assert refused.json() == {"virtual_machine_1_id": ["must be powered off"]}
    demo.put(vm_path("web", "web1"), {"autoreboot_on": False, "power_on": False})
    assert demo.post("/ips/swap_virtual_machine_ips", body).status == 200
    after1, after2 = _nic(demo, "web", "web1"), _nic(demo, "db", "db2")
    assert after1["ips"] == before2["ips"] and after2["ips"] == before1["ips"]
    # web1 keeps its additional IP, now routed via its new primary address.
    assert after1["extra_ips"] == {ip: after1["ips"][0] for ip in before1["extra_ips"]}
    assert demo.get(f"/ips/{after1['ips'][0]}").json()["rdns"] == "web1.web.demo.uk0.bigv.io"
    moved = demo.post("/ips/swap_virtual_machine_ips", {**body, "move_additional_ips": True})
    assert moved.json()["virtual_machine_2"]["extra_ips"] == {
        ip: before2["ips"][0] for ip in before1["extra_ips"]
    }
    assert (
        demo.post("/ips/swap_virtual_machine_ips", {**body, "virtual_machine_2_id": web1}).status
        == 400
    )


def test_no_new_ips_for_a_deleted_vm(demo: Client) -> None:
    nic = demo.get(vm_path("default", "staging", "/nics?include_deleted=true")).json()[0]
    resp = demo.post(
        vm_path("default", "staging", f"/nics/{nic['id']}/ip_create"), {"addresses": 1}
    )
    assert resp.status == 400 and "deleted" in resp.json()


def test_a_deleted_vm_keeps_its_additional_ips(demo: Client, sim) -> None:
    """[D14] nics.md: a deleted VM's NICs cannot change — it may be undeleted with them."""
    nic = demo.get(vm_path("web", "web1", "/nics")).json()[0]
    extra = next(iter(nic["extra_ips"]))
    assert demo.delete(vm_path("web", "web1")).status == 204
    refused = demo.delete(f"/ips/{extra}")
    assert refused.status == 400 and list(refused.json()) == ["deleted"]
    assert demo.put(vm_path("web", "web1"), {"deleted": False}).status == 200
    assert demo.delete(f"/ips/{extra}").status == 204


def test_ip_create_reason_is_text(demo: Client) -> None:
    nic = _nic(demo, "web", "web2")
    path = vm_path("web", "web2", f"/nics/{nic['id']}/ip_create")
    resp = demo.post(path, {"addresses": 1, "family": "ipv4", "reason": ["x"]})
    assert (resp.status, resp.json()) == (400, {"reason": ["is invalid"]})
    assert _nic(demo, "web", "web2")["extra_ips"] == {}
