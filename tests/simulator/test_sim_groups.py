"""Groups (docs/bigv-api.md §7.3): create 200, rename, delete refusal while VMs remain (§13, C6)."""

from __future__ import annotations

from tests.simulator.helpers import Client, vm_path


def test_create_rename_delete(demo: Client) -> None:
    created = demo.post("/accounts/demo/groups", {"name": "staging"})
    assert created.status == 200
    group = created.json()
    assert (
        group["name"] == "staging"
        and group["type"] == "application/vnd.bigv.group"
        and group["account_id"]
    )
    renamed = demo.put("/accounts/demo/groups/staging", {"name": "qa"})
    assert renamed.json()["name"] == "qa" and renamed.json()["id"] == group["id"]
    assert demo.get(f"/accounts/demo/groups/{group['id']}").json()["name"] == "qa"
    assert demo.delete("/accounts/demo/groups/qa").status == 204
    assert demo.get("/accounts/demo/groups/qa").status == 404


def test_group_names(demo: Client) -> None:
    for bad in ("Web", "my.group", "a_b", ""):
        assert demo.post("/accounts/demo/groups", {"name": bad}).status == 400, bad
    assert demo.post("/accounts/demo/groups", {"name": "web"}).json() == {
        "name": ["has already been taken"]
    }
    assert demo.put("/accounts/demo/groups/web", {"name": "db"}).json() == {
        "name": ["has already been taken"]
    }
    assert demo.put("/accounts/demo/groups/web", {"name": "web"}).status == 200
    # Names are per account: "default" exists in both accounts.
    assert demo.post("/accounts/demo/groups", {"name": "x.y"}).json() == {"name": ["is invalid"]}


def test_rename_changes_hostnames(demo: Client) -> None:
    demo.put("/accounts/demo/groups/web", {"name": "www"})
    assert demo.get(vm_path("www", "web1")).json()["hostname"] == "web1.www.demo.uk0.bigv.io"


def test_delete_is_refused_while_vms_remain(demo: Client) -> None:
    resp = demo.delete("/accounts/demo/groups/db")
    assert resp.status == 400
    assert resp.text == "Group still contains virtual machines"
    assert resp.headers["content-type"].startswith("text/plain")
    # A deleted (not purged) VM still counts.
    demo.post("/accounts/demo/groups", {"name": "tmp"})
    demo.post("/accounts/demo/groups/tmp/virtual_machines", {"name": "one"})
    demo.delete(vm_path("tmp", "one"))
    assert demo.delete("/accounts/demo/groups/tmp").status == 400
    demo.delete(vm_path("tmp", "one", "?purge=true"))
    assert demo.delete("/accounts/demo/groups/tmp").status == 204


def test_recursive_delete_like_bc(demo: Client) -> None:
    """BC's ``delete group --recursive``: purge each VM, then delete the group."""
    for vm in demo.get("/accounts/demo/groups/db/virtual_machines?include_deleted=true").json():
        assert demo.delete(vm_path("db", vm["name"], "?purge=true")).status == 204
    assert demo.delete("/accounts/demo/groups/db").status == 204


def test_create_account_for_an_empty_world(sim, demo: Client) -> None:
    created = demo.post("/accounts", {"name": "newco"})
    assert created.status == 201 and created.json()["name"] == "newco"
    assert [g["name"] for g in demo.get("/accounts/newco/groups").json()] == ["default"]
    assert demo.post("/accounts", {"name": "newco"}).json() == {"name": ["has already been taken"]}


def test_account_name_cannot_change(demo: Client, webadmin: Client) -> None:
    resp = demo.put("/accounts/demo", {"name": "renamed", "suspended": True})
    assert (
        resp.status == 200 and resp.json()["name"] == "demo" and resp.json()["suspended"] is False
    )
    assert webadmin.put("/accounts/demo", {"name": "x"}).status == 403
