"""vm_create and bare VM creation: 202, background provisioning, 400 shapes (docs/bigv-api.md
§8.1, §5.3)."""

from __future__ import annotations

import copy

from tests.simulator.helpers import Client, Control, vm_id, vm_path

CREATE = "/accounts/demo/groups/default/vm_create"
SPEC = {
    "virtual_machine": {
        "autoreboot_on": True,
        "cores": 2,
        "memory": 2048,
        "name": "newvm",
        "zone_name": "york",
    },
    "discs": [
        {"label": "disc-1", "storage_grade": "ssd", "size": 25600},
        {"label": "disc-2", "storage_grade": "archive", "size": 51200},
    ],
    "reimage": {
        "distribution": "bookworm",
        "root_password": "hunter2-pw",
        "ssh_public_key": "ssh-ed25519 AAAA me",
    },
}


def spec(**changes: object) -> dict:
    out = copy.deepcopy(SPEC)
    out.update(changes)
    return out


def test_vm_create_answers_202_with_a_spec_shaped_body(demo: Client) -> None:
    resp = demo.post(CREATE, SPEC)
    assert resp.status == 202
    body = resp.json()
    vm = body["virtual_machine"]
    assert vm["name"] == "newvm" and vm["power_on"] is False and vm["deleted"] is False
    assert vm["hostname"] == "newvm.default.demo.uk0.bigv.io"
    assert [d["label"] for d in body["discs"]] == ["disc-1", "disc-2"]
    assert [d["size"] for d in vm["discs"]] == [25600, 51200]
    assert body["reimage"] == {"distribution": "bookworm"}
    assert "hunter2-pw" not in resp.text and "ssh-ed25519" not in resp.text


def test_created_vm_is_visible_at_once_and_provisions_in_the_background(
    demo: Client, ctl: Control, sim
) -> None:
    demo.post(CREATE, SPEC)
    path = vm_path("default", "newvm", "?include_deleted=true&view=overview")
    vm = demo.get(path).json()
    assert vm["power_on"] is False and vm["last_imaged_with"] is None
    assert ctl.vm(vm_id(sim, "newvm"))["activity"] == "provisioning"
    ctl.advance(8.0 / 50 + 0.001)
    vm = demo.get(path).json()
    assert vm["power_on"] is True and vm["autoreboot_on"] is True
    assert vm["last_imaged_with"] == "bookworm" and vm["head"]
    assert "hunter2-pw" not in ctl.get(f"/vms/{vm['id']}").text


def test_provisioning_without_autoreboot_leaves_the_vm_off(demo: Client, ctl: Control) -> None:
    # BC's --stopped omits autoreboot_on; BC never sends power_on.
    body = spec(virtual_machine={"name": "stopped", "cores": 1, "memory": 1024})
    assert demo.post(CREATE, body).status == 202
    ctl.advance(60)
    vm = demo.get(vm_path("default", "stopped")).json()
    assert vm["power_on"] is False and vm["last_imaged_with"] == "bookworm"
    explicit = spec(virtual_machine={"name": "explicit", "power_on": True})
    demo.post(CREATE, explicit)
    ctl.advance(60)
    assert demo.get(vm_path("default", "explicit")).json()["power_on"] is True


def test_defaults_for_absent_fields(demo: Client) -> None:
    body = {"virtual_machine": {"name": "minimal"}, "discs": [{"size": 25600}]}
    vm = demo.post(CREATE, body).json()["virtual_machine"]
    assert (vm["cores"], vm["memory"], vm["hardware_profile"], vm["zone_name"]) == (
        1,
        1024,
        "virtio2013",
        "york",
    )
    assert vm["autoreboot_on"] is False and vm["cdrom_url"] is None and vm["keymap"] is None
    assert vm["discs"][0]["label"] == "disc-1" and vm["discs"][0]["storage_grade"] == "sata"


def test_disc_errors_use_the_discs_array_shape(demo: Client) -> None:
    body = spec(discs=[{"size": 25600}, {"size": 512}, {"size": 4096, "storage_grade": "gold"}])
    resp = demo.post(CREATE, body)
    assert resp.status == 400
    assert resp.json() == {
        "discs": [
            {},
            {"size": ["must be greater than or equal to 1024"]},
            {"storage_grade": ["is not included in the list"]},
        ]
    }
    huge = demo.post(CREATE, spec(discs=[{"size": 2097153}]))
    assert huge.json() == {"discs": [{"size": ["must be less than or equal to 2097152"]}]}
    no_size = demo.post(CREATE, spec(discs=[{"label": "data"}]))
    assert no_size.json() == {"discs": [{"size": ["can't be blank"]}]}
    reserved = demo.post(CREATE, spec(discs=[{"label": "vda", "size": 25600}]))
    assert reserved.json() == {"discs": [{"label": ["is reserved"]}]}
    nine = demo.post(CREATE, spec(discs=[{"size": 1024}] * 9)).json()["discs"]
    assert nine[:8] == [{}] * 8 and "base" in nine[8]
    assert demo.get(vm_path("default", "newvm")).status == 404  # nothing was created


def test_at_least_one_disc(demo: Client) -> None:
    for discs in ([], None):
        resp = demo.post(CREATE, spec(discs=discs))
        assert resp.status == 400 and resp.json()["base"]


def test_vm_field_errors_sit_at_the_top_level(demo: Client) -> None:
    body = spec(
        virtual_machine={"name": "Bad.Name", "cores": 99, "memory": 100, "hardware_profile": "x"}
    )
    body["reimage"] = {"distribution": "plan9", "root_password": "x"}
    body["discs"] = [{"size": 10}]
    resp = demo.post(CREATE, body)
    assert resp.json() == {
        "name": ["is invalid"],
        "cores": ["must be less than or equal to 16"],
        "memory": ["must be greater than or equal to 512"],
        "hardware_profile": ["is not included in the list"],
        "discs": [{"size": ["must be greater than or equal to 1024"]}],
        "distribution": ["is not included in the list"],
    }
    assert demo.post(CREATE, spec(virtual_machine={"name": "web1"})).status == 202  # other group
    taken = demo.post(CREATE, spec(virtual_machine={"name": "mail"}))
    assert taken.json() == {"name": ["has already been taken"]}
    assert demo.post(CREATE, {"discs": [{"size": 2048}]}).json()["virtual_machine"] == [
        "can't be blank"
    ]


def test_requested_ipv4(demo: Client) -> None:
    body = spec(ips={"ipv4": "192.0.2.200", "ipv6": ""})
    vm = demo.post(CREATE, body).json()["virtual_machine"]
    assert vm["network_interfaces"][0]["ips"][0] == "192.0.2.200"
    again = demo.post(CREATE, spec(virtual_machine={"name": "twin"}, ips={"ipv4": "192.0.2.200"}))
    assert again.json() == {"ipv4": ["has already been taken"]}
    bad = spec(virtual_machine={"name": "bad-ip"}, ips={"ipv4": "300.1.1.1"})
    assert demo.post(CREATE, bad).json() == {"ipv4": ["is invalid"]}


def test_bare_create(demo: Client, ctl: Control) -> None:
    bare = "/accounts/demo/groups/web/virtual_machines"
    resp = demo.post(bare, {"name": "bare", "cores": 2, "memory": 2048})
    assert resp.status == 202
    vm = resp.json()
    assert vm["discs"] == [] and vm["power_on"] is False and vm["cores"] == 2
    assert vm["memory"] == 2048 and vm["deleted"] is False
    assert vm["hostname"] == "bare.web.demo.uk0.bigv.io"
    assert vm["network_interfaces"][0]["ips"]
    got = demo.get(vm_path("web", "bare")).json()
    assert got["id"] == vm["id"] and got["discs"] == [] and got["power_on"] is False
    ctl.advance(60)  # provisioning done; nothing to boot, nothing asked to power on
    after = demo.get(vm_path("web", "bare")).json()
    assert after["power_on"] is False and after["last_imaged_with"] is None
    assert after["discs"] == []
    assert demo.post(bare, {}).json() == {"name": ["can't be blank"]}
    assert demo.post(bare, {"name": "bare"}).json() == {"name": ["has already been taken"]}


def test_purge_then_recreate_with_the_same_name(demo: Client) -> None:
    demo.post(CREATE, SPEC)
    assert demo.post(CREATE, SPEC).status == 400
    demo.delete(vm_path("default", "newvm"))
    assert demo.post(CREATE, SPEC).status == 400  # a deleted VM still holds its name
    demo.delete(vm_path("default", "newvm", "?purge=true"))
    assert demo.post(CREATE, SPEC).status == 202
