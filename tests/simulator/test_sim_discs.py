"""Discs (docs/bigv-api.md §9): labels, limits, grow-only resize, purge-only delete, moving
between VMs."""

from __future__ import annotations

from tests.simulator.helpers import Client, vm_id, vm_path

WEB1 = vm_path("web", "web1", "/discs")


def test_create_with_default_label_and_grade(demo: Client) -> None:
    resp = demo.post(WEB1, {"size": 20480})
    assert resp.status == 201
    disc = resp.json()
    assert disc["label"] == "disc-3" and disc["storage_grade"] == "sata" and disc["size"] == 20480
    assert disc["storage_pool"] and disc["type"] == "application/vnd.bigv.disc"
    assert [d["label"] for d in demo.get(WEB1).json()] == ["disc-1", "disc-2", "disc-3"]
    assert demo.post(WEB1, {"size": 20480, "storage_grade": "ssd"}).json()["label"] == "disc-4"


def test_create_validation(demo: Client) -> None:
    assert demo.post(WEB1, {"size": 100}).json() == {
        "size": ["must be greater than or equal to 1024"]
    }
    assert demo.post(WEB1, {"size": 2097153}).json() == {
        "size": ["must be less than or equal to 2097152"]
    }
    assert demo.post(WEB1, {"size": 2097152}).status == 201  # 2 TiB is the limit
    assert demo.post(WEB1, {"size": 2048, "storage_grade": "nvme"}).json() == {
        "storage_grade": ["is not included in the list"]
    }
    assert demo.post(WEB1, {}).json() == {"size": ["can't be blank"]}
    for label in ("vda", "vdb", "sda", "hdc", "xvda"):
        assert demo.post(WEB1, {"label": label, "size": 2048}).json() == {"label": ["is reserved"]}
    assert demo.post(WEB1, {"label": "disc-1", "size": 2048}).json() == {
        "label": ["has already been taken"]
    }


def test_at_most_eight_discs(demo: Client) -> None:
    for _ in range(6):
        assert demo.post(WEB1, {"size": 1024}).status == 201
    resp = demo.post(WEB1, {"size": 1024})
    assert resp.status == 400 and resp.json() == {
        "virtual_machine": ["cannot have more than 8 discs"]
    }


def test_resize_grows_only(demo: Client) -> None:
    path = WEB1 + "/disc-2"
    assert demo.put(path, {"size": 61440}).json()["size"] == 61440
    assert demo.put(path, {"size": 51200}).json() == {"size": ["cannot be reduced"]}
    assert demo.put(path, {"size": 99999999}).status == 400
    assert demo.get(path).json()["size"] == 61440


def test_delete_needs_purge(demo: Client) -> None:
    path = WEB1 + "/disc-2"
    resp = demo.delete(path)
    assert resp.status == 500
    assert demo.get(path).status == 200
    assert demo.delete(path + "?purge=true").status == 204
    assert demo.get(path).status == 404


def test_non_nested_disc_endpoints(demo: Client, sim) -> None:
    disc = demo.get(WEB1 + "/disc-2").json()
    assert demo.get(f"/discs/{disc['id']}").json() == disc
    assert demo.delete(f"/discs/{disc['id']}").status == 500
    assert demo.delete(f"/discs/{disc['id']}?purge=true").status == 204
    assert demo.get(f"/discs/{disc['id']}").status == 404
    assert [d["label"] for d in demo.get(f"/discs?vm_id={vm_id(sim, 'web1')}").json()] == ["disc-1"]
    assert demo.get("/discs?vm_name=web2").json()[0]["virtual_machine_id"] == vm_id(sim, "web2")


def test_move_a_disc_between_powered_off_vms(demo: Client, sim) -> None:
    db2 = vm_id(sim, "db2")
    web1_disc = WEB1 + "/disc-2"
    refused = demo.put(web1_disc, {"virtual_machine_id": db2})
    assert refused.json() == {
        "virtual_machine_id": ["both virtual machines must be powered off"],
        "label": ["has already been taken"],
    }
    demo.put(vm_path("web", "web1"), {"autoreboot_on": False, "power_on": False})
    demo.put(web1_disc, {"label": "logs"})
    moved = demo.put(WEB1 + "/logs", {"virtual_machine_id": db2})
    assert moved.status == 200 and moved.json()["virtual_machine_id"] == db2
    assert [d["label"] for d in demo.get(vm_path("db", "db2", "/discs")).json()] == [
        "disc-1",
        "disc-2",
        "logs",
    ]
    boot = demo.put(WEB1 + "/disc-1", {"virtual_machine_id": db2})
    assert boot.json()["virtual_machine_id"] == ["the boot disc cannot be moved"]


def test_viewer_reads_discs_but_cannot_change_them(viewer: Client) -> None:
    assert len(viewer.get(WEB1).json()) == 2
    assert viewer.put(WEB1 + "/disc-1", {"size": 99999}).status == 403
    assert viewer.delete(WEB1 + "/disc-1?purge=true").status == 403
    assert viewer.get(vm_path("web", "web2", "/discs")).status == 404
