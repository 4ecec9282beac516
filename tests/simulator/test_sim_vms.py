"""VM updates, moves, deletion, undeletion and purge (docs/bigv-api.md §8, §14.8)."""

from __future__ import annotations

from tests.simulator.helpers import Client, Control, login, vm_id, vm_path


def test_put_is_partial_and_ignores_unknown_attributes(demo: Client) -> None:
    path = vm_path("db", "db2")
    before = demo.get(path).json()
    after = demo.put(path, {"memory": 16384, "flavour": "strawberry", "hostname": "x.y"}).json()
    assert after["memory"] == 16384
    assert {k: v for k, v in after.items() if k != "memory"} == {
        k: v for k, v in before.items() if k not in ("memory", "discs", "network_interfaces")
    }
    assert demo.put(path, {}).json()["memory"] == 16384


def test_validation_messages(demo: Client) -> None:
    path = vm_path("db", "db2")
    resp = demo.put(
        path, {"cores": 0, "memory": "lots", "hardware_profile": "virtio1999", "keymap": "xx"}
    )
    assert resp.status == 400
    assert resp.json() == {
        "cores": ["must be greater than or equal to 1"],
        "memory": ["is not a number"],
        "hardware_profile": ["is not included in the list"],
        "keymap": ["is not included in the list"],
    }
    assert demo.put(path, {"cores": 17}).json() == {"cores": ["must be less than or equal to 16"]}
    assert demo.put(path, {"memory": 256}).json() == {
        "memory": ["must be greater than or equal to 512"]
    }
    assert demo.put(path, {"power_on": "yes"}).json() == {
        "power_on": ["is not included in the list"]
    }
    assert demo.put(path, {"zone_name": "manchester"}).json() == {
        "zone_name": ["cannot be changed"]
    }
    assert demo.put(path, {"zone_name": "york"}).status == 200  # unchanged is fine


def test_names_are_dns_labels_and_unique(demo: Client) -> None:
    path = vm_path("db", "db2")
    for bad in ("Db2", "db.2", "-db", "db_2", "a" * 64, ""):
        resp = demo.put(path, {"name": bad})
        assert resp.status == 400 and resp.json()["name"], bad
    assert demo.put(path, {"name": "db1"}).json() == {"name": ["has already been taken"]}
    # The deleted "staging" still holds its name until purged.
    assert demo.put(vm_path("default", "legacy"), {"name": "staging"}).status == 400
    renamed = demo.put(path, {"name": "db-2"}).json()
    assert renamed["name"] == "db-2" and renamed["hostname"] == "db-2.db.demo.uk0.bigv.io"
    assert demo.get(vm_path("db", "db-2")).status == 200
    assert demo.get(vm_path("db", "db2")).status == 404


def test_cdrom_url(demo: Client) -> None:
    path = vm_path("default", "builder")
    assert demo.get(path).json()["cdrom_url"].startswith("https://")
    assert demo.put(path, {}).json()["cdrom_url"].startswith("https://")  # BC's "remove" sends {}
    assert demo.put(path, {"cdrom_url": None}).json()["cdrom_url"] is None
    assert (
        demo.put(path, {"cdrom_url": "http://example.com/x.iso"}).json()["cdrom_url"]
        == "http://example.com/x.iso"
    )
    assert demo.put(path, {"cdrom_url": ""}).json()["cdrom_url"] is None
    for bad in ("ftp://example.com/x.iso", "not a url", "http://"):
        resp = demo.put(path, {"cdrom_url": bad})
        assert resp.status == 500, bad
    assert demo.get(path).json()["cdrom_url"] is None


def test_keymap_and_profile_lock(demo: Client) -> None:
    path = vm_path("default", "monitor")
    assert demo.get(path).json()["keymap"] == "en-gb"
    assert demo.put(path, {"keymap": "de"}).json()["keymap"] == "de"
    assert demo.put(path, {"keymap": None}).json()["keymap"] is None
    # hardware_profile_locked is always accepted, even while running.
    assert (
        demo.put(path, {"hardware_profile_locked": True}).json()["hardware_profile_locked"] is True
    )
    legacy = demo.get(vm_path("default", "legacy")).json()
    assert legacy["hardware_profile"] == "compatibility2013" and legacy["hardware_profile_locked"]


def test_move_between_groups(demo: Client, sim) -> None:
    with sim.world.lock:
        names = sim.world.group_names[sim.world.account_by_name["demo"]]
        web, db = names["web"], names["db"]
    running = demo.put(vm_path("web", "web2"), {"name": "web2", "group_id": db})
    assert running.json() == {
        "group_id": ["cannot be changed while the virtual machine is powered on"]
    }
    # BC always sends group_id, even for a rename in the same group.
    assert demo.put(vm_path("web", "web2"), {"name": "web2", "group_id": web}).status == 200
    moved = demo.put(vm_path("db", "db2"), {"group_id": web}).json()
    assert moved["group_id"] == web and moved["hostname"] == "db2.web.demo.uk0.bigv.io"
    assert demo.get(vm_path("web", "db2")).status == 200
    assert demo.get(vm_path("db", "db2")).status == 404
    assert demo.put(vm_path("web", "db2"), {"group_id": 999999}).json() == {
        "group_id": ["is invalid"]
    }
    assert demo.put(vm_path("web", "db2"), {"group_id": "db"}).json() == {
        "group_id": ["is not a number"]
    }


def test_move_needs_group_admin_on_both_groups(sim, webadmin: Client, demo: Client) -> None:
    with sim.world.lock:
        db = sim.world.group_names[sim.world.account_by_name["demo"]]["db"]
    demo.put(vm_path("web", "web3"), {"power_on": False, "autoreboot_on": False})
    # webadmin cannot read "db": the target looks like it does not exist.
    assert webadmin.put(vm_path("web", "web3"), {"group_id": db}).json() == {
        "group_id": ["is invalid"]
    }
    demo.post("/accounts/demo/groups", {"name": "spare"})
    with sim.world.lock:
        spare = sim.world.group_names[sim.world.account_by_name["demo"]]["spare"]
        sim.world.add_privilege(
            sim.world.user_named("webadmin"), "vm_console", virtual_machine_id=vm_id(sim, "db1")
        )
    # Now webadmin can read "db" (it holds something below it) but is not its group_admin.
    assert webadmin.put(vm_path("web", "web3"), {"group_id": db}).status == 403
    assert demo.put(vm_path("web", "web3"), {"group_id": spare}).status == 200


def test_move_checks_the_name_in_the_target_group(sim, demo: Client) -> None:
    with sim.world.lock:
        web = sim.world.group_names[sim.world.account_by_name["demo"]]["web"]
    assert demo.put(vm_path("default", "legacy"), {"name": "web1"}).status == 200  # other group
    resp = demo.put(vm_path("default", "web1"), {"group_id": web})
    assert resp.json() == {"name": ["has already been taken"]}


def test_soft_delete_hides_and_stops_the_vm(demo: Client, ctl: Control, sim) -> None:
    path = vm_path("web", "web1")
    assert demo.delete(path).status == 204
    assert demo.get(path).status == 404
    assert "web1" not in {
        v["name"] for v in demo.get("/accounts/demo/groups/web/virtual_machines").json()
    }
    vm = demo.get(path + "?include_deleted=true").json()
    assert vm["deleted"] is True and vm["power_on"] is False and vm["head"] is None
    assert demo.delete(path).status == 204  # deleting again is a harmless no-op
    ctl.advance(60)
    assert demo.get(path + "?include_deleted=true").json()["power_on"] is False


def test_a_deleted_vm_refuses_changes(demo: Client) -> None:
    path = vm_path("default", "staging")
    resp = demo.put(path, {"cores": 4})
    assert resp.status == 400 and "deleted" in resp.json()
    assert demo.put(path, {"deleted": True}).status == 400
    assert demo.post(path + "/signal", {"signal": "reset"}).status == 400
    assert demo.post(path + "/reimage", {"distribution": "stretch"}).status == 400
    assert demo.post(path + "/discs", {"size": 2048}).status == 400
    assert demo.put(path + "/discs/disc-1", {"size": 51200}).status == 400
    assert demo.delete(path + "/discs/disc-1?purge=true").status == 400


def test_undelete_keeps_power_off(demo: Client) -> None:
    path = vm_path("web", "web1")
    demo.delete(path)
    restored = demo.put(path, {"deleted": False})
    assert restored.status == 200
    assert restored.json()["deleted"] is False and restored.json()["power_on"] is False
    assert demo.get(path).status == 200
    assert demo.put(path, {"deleted": False}).status == 200  # no-op on a live VM


def test_undelete_and_delete_need_group_admin(sim, demo: Client) -> None:
    with sim.world.lock:
        sim.world.add_privilege(
            sim.world.user_named("viewer"), "vm_admin", virtual_machine_id=vm_id(sim, "web1")
        )
    vm_admin = Client(sim.api_url, login(sim, "viewer", "viewer-password"))
    path = vm_path("web", "web1")
    assert vm_admin.put(path, {"cores": 3}).status == 200
    assert vm_admin.delete(path).status == 403
    demo.delete(path)
    assert vm_admin.put(path, {"deleted": False}).status == 403


def test_purge_frees_the_name_and_the_ips(demo: Client, sim) -> None:
    path = vm_path("default", "staging")
    old = demo.get(path + "?include_deleted=true").json()
    old_ip = old["network_interfaces"][0]["ips"][0]
    assert demo.delete(path + "?purge=true").status == 204
    assert demo.get(path + "?include_deleted=true").status == 404
    assert demo.get(f"/ips/{old_ip}").status == 404
    created = demo.post("/accounts/demo/groups/default/virtual_machines", {"name": "staging"})
    assert created.status == 202 and created.json()["id"] != old["id"]
    # A live VM can be purged directly too.
    assert demo.delete(vm_path("web", "web3", "?purge=true")).status == 204
    assert demo.get(vm_path("web", "web3", "?include_deleted=true")).status == 404
    with sim.world.lock:
        assert old_ip in sim.world.ip_free or old_ip in sim.world.ip_owner


def test_flat_vm_list_and_its_filters(demo: Client, sim) -> None:
    """``GET /virtual_machines`` with the documented filters (docs/bigv-api.md §7.4)."""
    names = {v["name"] for v in demo.get("/virtual_machines").json()}
    assert names == {
        "web1",
        "web2",
        "web3",
        "db1",
        "db2",
        "db-replica",
        "mail",
        "monitor",
        "builder",
        "bastion",
        "legacy",
    }
    w = sim.world
    with w.lock:
        account = w.account_by_name["demo"]
        db = w.group_names[account]["db"]
    by_account = demo.get(f"/virtual_machines?account_id={account}").json()
    assert {v["name"] for v in by_account} == names
    with_deleted = demo.get("/virtual_machines?include_deleted=true").json()
    assert "staging" in {v["name"] for v in with_deleted}
    by_group = demo.get(f"/virtual_machines?group_id={db}").json()
    assert [v["name"] for v in by_group] == ["db1", "db2", "db-replica"]
    assert demo.get(f"/virtual_machines?account_id={account + 1000}").json() == []
