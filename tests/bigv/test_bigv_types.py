"""Parsing the published example payloads (tests/bigv/fixtures), and the request specs' JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import responses
from bigv_helpers import API

from panel.bigv import (
    Account,
    BigVClient,
    Definitions,
    Disc,
    DiscSpec,
    ImageInstall,
    InvalidResponse,
    NetworkInterface,
    Privilege,
    VirtualMachine,
    VirtualMachineSpec,
)

Load = Callable[[str], Any]


def test_definitions_fixture(
    fixture_json: Load, client: BigVClient, rsps: responses.RequestsMock
) -> None:
    body = fixture_json("definitions.json")
    rsps.add("GET", API + "/definitions", json=[*body, {"id": "future_thing", "data": [1]}])

    d = client.definitions()

    assert isinstance(d, Definitions)
    assert d.distributions[:3] == ("centos5", "centos6", "winstd2012")
    assert d.storage_grades == ("sata", "ssd", "archive")
    assert d.zone_names == ("manchester", "york")
    assert d.hardware_profiles == ("virtio2013", "compatibility2013")
    assert "en-gb" in d.keymaps
    assert "delete" in d.sendkeys
    assert d.distribution_descriptions["jessie"] == "Debian 8 (64 bit)"
    assert d.storage_grade_descriptions == {
        "ssd": "Premium SSD",
        "archive": "Archive storage",
        "sata": "Standard SSD",
    }
    assert hash(d)  # frozen and hashable despite the dict fields


def test_virtual_machine_fixture(fixture_json: Load) -> None:
    vm = VirtualMachine.from_json(fixture_json("virtual_machine.json"))

    assert (vm.id, vm.name, vm.group_id, vm.cores, vm.memory) == (99999, "example", 9999, 1, 2048)
    assert vm.power_on and vm.autoreboot_on and not vm.deleted
    assert vm.hostname == "example.notarealgroup.bytemark.uk0.bigv.io"
    assert (vm.head, vm.management_address, vm.zone_name) == ("head99", "10.0.0.1", "default")
    assert vm.last_imaged_with == "wheezy" and vm.keymap is None and vm.cdrom_url is None
    assert vm.hardware_profile == "virtio2013" and vm.hardware_profile_locked is False
    assert vm.discs[0] == Disc(
        id=99994,
        label="vda",
        size=35840,
        storage_grade="sata",
        storage_pool="tail99-sata9",
        virtual_machine_id=99999,
    )
    assert [d.label for d in vm.discs] == ["vda", "vdb", "vdc"]
    nic = vm.network_interfaces[0]
    assert isinstance(nic, NetworkInterface)
    assert nic.ips == ("192.168.99.1", "fe80::9999")
    assert nic.extra_ips == {"192.168.99.2": "192.168.99.1"}
    assert (nic.mac, nic.vlan_num, nic.label) == ("ff:ff:ff:ff:ff:fe", 999, None)
    # Convenience properties: computed, never a request.
    assert vm.total_disc_mib == 35840 + 666666 + 333333
    assert vm.ips == ("192.168.99.1", "fe80::9999", "192.168.99.2")
    assert hash(vm)


def test_account_overview_fixture(fixture_json: Load) -> None:
    account = Account.from_json(fixture_json("account_overview.json"))

    assert (account.id, account.name, account.suspended) == (1, "myaccountname", False)
    (group,) = account.groups
    assert (group.id, group.account_id, group.name) == (123, 1, "default")
    (vm,) = group.virtual_machines
    assert vm.name == "myhostname" and vm.head is None
    assert vm.discs[0].storage_pool == "tail1-sata1"
    assert vm.network_interfaces[0].ips[1] == "2001:ffff:ff:ffff:ffff:ff:fe00:fff"


def test_privileges_fixture(fixture_json: Load) -> None:
    (raw,) = fixture_json("privileges.json")
    privilege = Privilege.from_json(raw)
    assert privilege == Privilege(
        id=1,
        level="account_admin",
        username="myusername",
        account_id=1,
        yubikey_required=True,
    )


@pytest.mark.parametrize(
    "body",
    [
        {"id": "7", "name": "x", "cores": 1, "memory": 1},  # id of the wrong type
        {"id": 7, "cores": 1, "memory": 1},  # name missing
        {"id": 7, "name": "x", "cores": True, "memory": 1},  # JSON bool is not a number
        {"id": 7, "name": "x", "cores": 1, "memory": 1, "discs": [{"id": 1}]},
        [],
    ],
)
def test_wrong_shapes_are_invalid_responses(
    body: Any, client: BigVClient, rsps: responses.RequestsMock
) -> None:
    rsps.add("GET", API + "/virtual_machines/7", json=body)
    with pytest.raises(InvalidResponse, match=r"GET /virtual_machines/7: unexpected response"):
        client.vm_by_id(7)


def test_unknown_keys_are_ignored() -> None:
    vm = VirtualMachine.from_json(
        {"id": 1, "name": "a", "cores": 1, "memory": 512, "type": "x", "brand_new": {"a": 1}}
    )
    assert vm.discs == () and vm.group_id is None


def test_spec_to_json_omits_empty_values_like_bc() -> None:
    spec = VirtualMachineSpec(name="newvm2", discs=(DiscSpec(size=25600),), ips={"ipv6": ""})
    assert spec.to_json() == {
        "virtual_machine": {"name": "newvm2", "cores": 1, "memory": 1024, "autoreboot_on": True},
        "discs": [{"label": "disc-1", "storage_grade": "sata", "size": 25600}],
    }


def test_spec_to_json_full() -> None:
    spec = VirtualMachineSpec(
        name="newvm",
        cores=2,
        memory=2048,
        zone_name="york",
        hardware_profile="virtio2013",
        hardware_profile_locked=True,
        autoreboot_on=False,
        cdrom_url="https://example.com/x.iso",
        discs=(DiscSpec(size=51200, storage_grade="archive"), DiscSpec(10240, "ssd")),
        reimage=ImageInstall("stretch", "hunter2", "ssh-rsa AAA me@host", "#!/bin/sh"),
        ips={"ipv4": "192.0.2.55", "ipv6": ""},
    )
    assert spec.to_json() == {
        "virtual_machine": {
            "name": "newvm",
            "cores": 2,
            "memory": 2048,
            "zone_name": "york",
            "hardware_profile": "virtio2013",
            "hardware_profile_locked": True,
            "cdrom_url": "https://example.com/x.iso",
            "autoreboot_on": False,
        },
        "discs": [
            {"label": "disc-1", "storage_grade": "archive", "size": 51200},
            {"label": "disc-2", "storage_grade": "ssd", "size": 10240},
        ],
        "reimage": {
            "distribution": "stretch",
            "root_password": "hunter2",
            "ssh_public_key": "ssh-rsa AAA me@host",
            "firstboot_script": "#!/bin/sh",
        },
        "ips": {"ipv4": "192.0.2.55"},
    }
    assert "hunter2" not in repr(spec)
    assert hash(spec)


def test_image_install_sends_all_four_keys_and_redacts_repr() -> None:
    image = ImageInstall("stretch", root_password="s3cret-pw")
    assert image.to_json() == {
        "distribution": "stretch",
        "root_password": "s3cret-pw",
        "ssh_public_key": "",
        "firstboot_script": "",
    }
    assert "s3cret-pw" not in repr(image) and "<redacted>" in repr(image)
    assert "s3cret-pw" not in str(image)
