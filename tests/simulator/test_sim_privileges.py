"""Privileges (docs/bigv-api.md §10): 404 where the caller cannot read, 403 where it cannot
write."""

from __future__ import annotations

from tests.simulator.helpers import Client, login, vm_id, vm_path


def _vm_names(account: dict) -> set[str]:
    return {v["name"] for g in account["groups"] for v in g["virtual_machines"]}


def test_viewer_sees_only_web1(viewer: Client) -> None:
    accounts = viewer.get("/accounts?view=overview&include_deleted=true").json()
    assert [a["name"] for a in accounts] == ["demo"]
    assert [g["name"] for g in accounts[0]["groups"]] == ["web"]
    assert _vm_names(accounts[0]) == {"web1"}
    assert [g["name"] for g in viewer.get("/accounts/demo/groups").json()] == ["web"]
    assert [v["name"] for v in viewer.get("/virtual_machines").json()] == ["web1"]
    assert viewer.get(vm_path("web", "web1")).status == 200


def test_viewer_cannot_write_web1(viewer: Client) -> None:
    web1 = vm_path("web", "web1")
    assert viewer.put(web1, {"cores": 4}).status == 403
    assert viewer.post(web1 + "/signal", {"signal": "reset"}).status == 403
    assert viewer.post(web1 + "/reimage", {"distribution": "stretch"}).status == 403
    assert viewer.post(web1 + "/discs", {"size": 2048}).status == 403
    assert viewer.delete(web1).status == 403
    assert viewer.put("/accounts/demo/groups/web", {"name": "x"}).status == 403
    assert viewer.post("/accounts/demo/groups/web/vm_create", {}).status == 403


def test_viewer_gets_404_for_everything_else(viewer: Client, sim) -> None:
    web2 = vm_path("web", "web2")
    for method in ("GET", "PUT", "DELETE"):
        assert viewer.request(method, web2, {}).status == 404, method
    assert viewer.post(web2 + "/signal", {"signal": "reset"}).status == 404
    assert viewer.get(f"/virtual_machines/{vm_id(sim, 'web2')}").status == 404
    assert viewer.get("/accounts/demo/groups/db").status == 404
    assert viewer.delete("/accounts/demo/groups/db").status == 404
    assert viewer.get("/accounts/other").status == 404


def test_webadmin_manages_vms_in_web_only(webadmin: Client) -> None:
    assert webadmin.put(vm_path("web", "web2"), {"cores": 3}).json()["cores"] == 3
    created = webadmin.post("/accounts/demo/groups/web/virtual_machines", {"name": "extra"})
    assert created.status == 202
    assert webadmin.delete(vm_path("web", "extra", "?purge=true")).status == 204
    account = webadmin.get("/accounts/demo?view=overview").json()
    assert [g["name"] for g in account["groups"]] == ["web"]
    assert _vm_names(account) == {"web1", "web2", "web3"}


def test_webadmin_cannot_touch_the_group_or_other_groups(webadmin: Client) -> None:
    assert webadmin.get("/accounts/demo/groups/web").status == 200
    assert webadmin.put("/accounts/demo/groups/web", {"name": "www"}).status == 403
    assert webadmin.delete("/accounts/demo/groups/web").status == 403
    assert webadmin.post("/accounts/demo/groups", {"name": "mine"}).status == 403
    assert webadmin.get("/accounts/demo/groups/db").status == 404
    assert webadmin.get(vm_path("db", "db1")).status == 404
    assert webadmin.put(vm_path("db", "db1"), {"cores": 8}).status == 404


def test_accounts_are_isolated(other: Client, demo: Client) -> None:
    assert [a["name"] for a in other.get("/accounts").json()] == ["other"]
    assert other.get("/accounts/demo").status == 404
    assert demo.get("/accounts/other").status == 404
    assert demo.get("/accounts/other/groups/default/virtual_machines/app1").status == 404
    names = {v["name"] for v in other.get("/virtual_machines").json()}
    assert names == {"app1", "app2"}


def test_api_key_uses_only_its_own_privileges(sim, demo: Client) -> None:
    # webadmin's key carries group_admin on web; a fresh key with no privilege sees nothing.
    key = Client(sim.api_url, "apikey.webadmin-key")
    assert key.put(vm_path("web", "web3"), {"cores": 2}).status == 200
    fresh = demo.post("/api_keys", {"label": "bare"}).json()
    bare = Client(sim.api_url, "apikey." + fresh["api_key"])
    assert bare.get("/accounts").json() == []
    assert bare.get(vm_path("web", "web1")).status == 404


def test_privileges_listing_is_hal_ish(demo: Client, viewer: Client, demo_key: Client) -> None:
    privs = demo.get("/privileges").json()
    assert len(privs) == 1
    p = privs[0]
    assert p["level"] == "account_admin" and p["username"] == "demo" and p["account_name"] == "demo"
    assert p["_links"]["self"]["href"] == f"/privileges/{p['id']}"
    assert p["_links"]["account"]["title"] == "Account demo"
    assert "api_key_id" not in p
    assert demo.get(f"/privileges/{p['id']}").json() == p
    key_privs = demo_key.get("/privileges").json()
    assert (
        len(key_privs) == 1
        and key_privs[0]["api_key_id"]
        and key_privs[0]["password_required"] is False
    )
    viewer_privs = viewer.get("/privileges").json()
    assert [(v["level"], v["virtual_machine_name"]) for v in viewer_privs] == [
        ("vm_console", "web1")
    ]
    assert viewer.get(f"/privileges/{p['id']}").status == 404


def test_users(demo: Client, viewer: Client) -> None:
    me = demo.get("/users/demo").json()
    assert me["username"] == "demo" and me["type"] == "application/vnd.bigv.user"
    assert "password" not in me and me["authorized_keys"].startswith("ssh-ed25519")
    assert demo.get(f"/users/{me['id']}").json() == me
    assert demo.get("/users").json() == [me]
    assert demo.get("/users/viewer").status == 404
    updated = demo.put(
        "/users/demo", {"username": "ignored", "authorized_keys": "ssh-rsa AAA k1\nssh-rsa BBB k2"}
    )
    assert updated.json()["authorized_keys"] == "ssh-rsa AAA k1\nssh-rsa BBB k2"
    assert updated.json()["username"] == "demo"
    assert viewer.put("/users/demo", {"authorized_keys": ""}).status == 404


def test_api_keys_and_granting_them(sim, demo: Client) -> None:
    listed = demo.get("/api_keys?view=overview").json()
    assert [k["label"] for k in listed] == ["demo-cli"]
    assert "api_key" not in listed[0] and listed[0]["privileges"][0]["level"] == "account_admin"
    created = demo.post("/api_keys", {"label": "deploy", "expires_at": "2099-01-01T00:00:00Z"})
    assert created.status == 201
    key = created.json()
    with sim.world.lock:
        web = sim.world.group_names[sim.world.account_by_name["demo"]]["web"]
    grant = {
        "level": "group_admin",
        "group_id": web,
        "api_key_id": key["id"],
        "password_required": False,
    }
    assert demo.post("/users/demo/privileges", grant).status == 201
    api = Client(sim.api_url, "apikey." + key["api_key"])
    assert api.put(vm_path("web", "web2"), {"cores": 3}).status == 200
    assert api.get(vm_path("db", "db1")).status == 404
    assert demo.delete(f"/api_keys/{key['id']}").status == 204
    assert api.get("/accounts").status == 401


def test_privileges_can_only_be_granted_below_your_level(
    sim, demo: Client, webadmin: Client
) -> None:
    with sim.world.lock:
        demo_id = sim.world.account_by_name["demo"]
        web = sim.world.group_names[demo_id]["web"]
    web2 = vm_id(sim, "web2")
    # account_admin may grant group_admin and vm_console, not account_admin.
    assert (
        demo.post(
            "/users/viewer/privileges", {"level": "vm_console", "virtual_machine_id": web2}
        ).status
        == 201
    )
    assert (
        demo.post(
            "/users/viewer/privileges", {"level": "account_admin", "account_id": demo_id}
        ).status
        == 403
    )
    assert (
        webadmin.post("/users/viewer/privileges", {"level": "group_admin", "group_id": web}).status
        == 403
    )
    granted = webadmin.post(
        "/users/viewer/privileges", {"level": "vm_admin", "virtual_machine_id": web2}
    )
    assert granted.status == 201
    viewer = Client(sim.api_url, login(sim, "viewer", "viewer-password"))
    assert viewer.put(vm_path("web", "web2"), {"cores": 3}).status == 200
    assert demo.post("/users/viewer/privileges", {"level": "nonsense"}).status == 400
    assert webadmin.delete(f"/privileges/{granted.json()['id']}").status == 204
    assert viewer.put(vm_path("web", "web2"), {"cores": 4}).status == 403


def test_only_yubikey_and_ip_fields_of_a_privilege_change(sim, demo: Client) -> None:
    with sim.world.lock:
        web = sim.world.group_names[sim.world.account_by_name["demo"]]["web"]
    granted = demo.post(
        "/users/viewer/privileges", {"level": "group_admin", "group_id": web}
    ).json()
    body = {
        "yubikey_required": True,
        "yubikey_otp_max_age": 60,
        "ip_restrictions": "192.0.2.0/24",
        "level": "vm_console",
    }
    updated = demo.put(f"/privileges/{granted['id']}", body).json()
    assert updated["level"] == "group_admin"
    changed = {
        k: updated[k] for k in ("yubikey_required", "yubikey_otp_max_age", "ip_restrictions")
    }
    assert changed == {
        "yubikey_required": True,
        "yubikey_otp_max_age": 60,
        "ip_restrictions": "192.0.2.0/24",
    }
    # A yubikey-only privilege is not usable by a password-only session.
    viewer = Client(sim.api_url, login(sim, "viewer", "viewer-password"))
    assert viewer.put(vm_path("web", "web2"), {"cores": 3}).status == 404
    own = demo.get("/privileges").json()[0]
    assert demo.put(f"/privileges/{own['id']}", {"yubikey_required": True}).status == 403


def test_privileges_on_a_target(demo: Client, webadmin: Client) -> None:
    on_web = demo.get("/accounts/demo/groups/web/privileges").json()
    assert {(p["username"], p["level"]) for p in on_web} == {("webadmin", "group_admin")}
    on_web1 = demo.get(vm_path("web", "web1", "/privileges")).json()
    assert {(p["username"], p["level"]) for p in on_web1} == {("viewer", "vm_console")}
    # An account_admin does not see its peers' account_admin privileges.
    assert [p["username"] for p in demo.get("/accounts/demo/privileges").json()] == ["demo", "demo"]
    assert {p["username"] for p in webadmin.get(vm_path("web", "web1", "/privileges")).json()} == {
        "viewer"
    }
    assert webadmin.get("/accounts/demo/groups/db/privileges").status == 404
