"""Granting, changing and revoking privileges and creating API keys: what the simulator
refuses and how (docs/bigv-api.md §7.8, §7.9, §10; §13 C61, C62, C63), over raw HTTP."""

from __future__ import annotations

import pytest

from tests.simulator.helpers import Client, login, vm_id, vm_path


def _group_id(sim, name: str) -> int:
    with sim.world.lock:
        return sim.world.group_names[sim.world.account_by_name["demo"]][name]


def test_the_clis_grant_and_revoke(sim, demo: Client) -> None:
    """BC's body (the username in the URL only), then its revoke: list, match, DELETE."""
    web2 = vm_id(sim, "web2")
    body = {
        "virtual_machine_id": web2,
        "level": "vm_admin",
        "password_required": True,
        "yubikey_required": False,
    }
    granted = demo.post("/users/viewer/privileges", body)
    assert granted.status == 201
    assert granted.json()["virtual_machine_name"] == "web2"
    assert granted.json()["creating_username"] == "demo"
    listed = demo.get(vm_path("web", "web2", "/privileges")).json()
    match = [p for p in listed if (p["username"], p["level"]) == ("viewer", "vm_admin")]
    assert [p["id"] for p in match] == [granted.json()["id"]]
    assert demo.delete(f"/privileges/{match[0]['id']}").status == 204
    assert demo.delete(f"/privileges/{match[0]['id']}").status == 404
    assert demo.get(vm_path("web", "web2", "/privileges")).json() == []


def test_a_target_one_cannot_read_is_invalid_not_forbidden(sim, webadmin: Client) -> None:
    """webadmin (group_admin on web) cannot read db1: the same answer as for no such VM."""
    for target in (vm_id(sim, "db1"), 99999):
        answer = webadmin.post(
            "/users/viewer/privileges", {"level": "vm_console", "virtual_machine_id": target}
        )
        assert (answer.status, answer.json()) == (400, {"virtual_machine_id": ["is invalid"]})
    db = _group_id(sim, "db")
    answer = webadmin.post("/users/viewer/privileges", {"level": "group_admin", "group_id": db})
    assert (answer.status, answer.json()) == (400, {"group_id": ["is invalid"]})
    # Readable, but not below webadmin's own level: refused as forbidden.
    web = _group_id(sim, "web")
    answer = webadmin.post("/users/viewer/privileges", {"level": "group_admin", "group_id": web})
    assert answer.status == 403


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({"yubikey_required": "true"}, {"yubikey_required": ["is not included in the list"]}),
        ({"password_required": 1}, {"password_required": ["is not included in the list"]}),
        ({"virtual_machine_id": True}, {"virtual_machine_id": ["is invalid"]}),
        ({"api_key_id": True}, {"api_key_id": ["is invalid"]}),
    ],
)
def test_values_of_the_wrong_type_are_refused(sim, demo: Client, extra, errors) -> None:
    body = {"level": "vm_console", "virtual_machine_id": vm_id(sim, "web2"), **extra}
    answer = demo.post("/users/viewer/privileges", body)
    assert (answer.status, answer.json()) == (400, errors)


def test_an_api_keys_privilege_cannot_require_a_yubikey(sim, demo: Client) -> None:
    key = demo.post("/api_keys", {"label": "deploy"}).json()
    web = _group_id(sim, "web")
    body = {"level": "group_admin", "group_id": web, "api_key_id": key["id"]}
    refused = demo.post("/users/demo/privileges", {**body, "yubikey_required": True})
    assert refused.status == 400
    assert refused.json() == {"yubikey_required": ["cannot be required for an API key's privilege"]}
    granted = demo.post("/users/demo/privileges", body).json()
    assert granted["password_required"] is False and granted["yubikey_required"] is False
    changed = demo.put(f"/privileges/{granted['id']}", {"yubikey_required": True})
    assert changed.status == 400 and "yubikey_required" in changed.json()
    assert demo.put(f"/privileges/{granted['id']}", {"yubikey_required": False}).status == 200


def test_the_yubikey_requirement_changes_below_ones_level(sim, demo: Client) -> None:
    web = _group_id(sim, "web")
    granted = demo.post(
        "/users/viewer/privileges", {"level": "group_admin", "group_id": web}
    ).json()
    changed = demo.put(f"/privileges/{granted['id']}", {"yubikey_required": True}).json()
    assert changed["yubikey_required"] is True and changed["level"] == "group_admin"
    viewer = Client(sim.api_url, login(sim, "viewer", "viewer-password"))
    assert viewer.put(vm_path("web", "web2"), {"cores": 3}).status == 404
    demo.put(f"/privileges/{granted['id']}", {"yubikey_required": False})
    assert viewer.put(vm_path("web", "web2"), {"cores": 3}).status == 200


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("2099-01-02T03:04:05Z", "2099-01-02T03:04:05Z"),
        ("2099-01-02T04:04:05+01:00", "2099-01-02T03:04:05Z"),
        ("2099-01-02", "2099-01-02T00:00:00Z"),
        ("", None),
        (None, None),
    ],
)
def test_api_key_expiry_is_iso_8601_kept_in_utc(demo: Client, sent, kept) -> None:
    created = demo.post("/api_keys", {"label": "timed", "expires_at": sent})
    assert created.status == 201 and created.json()["expires_at"] == kept


@pytest.mark.parametrize("sent", ["next tuesday", "2099-13-01", 20990101, True])
def test_api_key_expiry_that_no_one_can_read_is_refused(demo: Client, sent) -> None:
    created = demo.post("/api_keys", {"label": "timed", "expires_at": sent})
    assert (created.status, created.json()) == (400, {"expires_at": ["is invalid"]})
    assert [k["label"] for k in demo.get("/api_keys").json()] == ["demo-cli"]


def test_an_expired_key_is_refused_and_a_label_must_be_text(sim, demo: Client) -> None:
    old = demo.post("/api_keys", {"label": "old", "expires_at": "2001-01-01"}).json()
    assert Client(sim.api_url, "apikey." + old["api_key"]).get("/accounts").status == 401
    assert demo.post("/api_keys", {"label": 7}).json() == {"label": ["is invalid"]}
    listed = demo.get("/api_keys?view=overview").json()
    assert all("api_key" not in key for key in listed)
