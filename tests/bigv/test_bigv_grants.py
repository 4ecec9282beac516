"""Privileges and API keys: the exact requests the client sends (the official CLI's, from
``BC:lib/privilege_calls.go`` and ``BC:lib/requests/brain/*api_key*.go``) and what it makes
of the answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from bigv_helpers import API

from panel.bigv import ApiKey, BigVClient, InvalidResponse, NewApiKey, PrivilegeGrant

PRIV = {
    "id": 12,
    "level": "vm_admin",
    "username": "bob",
    "virtual_machine_id": 7,
    "virtual_machine_name": "web1",
    "creating_username": "alice",
    "yubikey_required": False,
    "password_required": True,
    "_links": {"self": {"href": "/privileges/12"}},
}
KEY = {"id": 9, "user_id": 5, "username": "alice", "label": "deploy", "expires_at": None}
Call = Callable[[BigVClient], Any]
TARGETS = "/accounts/acme/groups/web"
CLI_GRANT = {
    "virtual_machine_id": 7,
    "level": "vm_admin",
    "password_required": True,
    "yubikey_required": False,
}

# One case per call (name, call, method, path, query, body sent, reply, status, check), in
# the shape of test_bigv_requests.py's table: its runner sends and checks them.
CASES: list[tuple[str, Call, str, str, str, Any, Any, int, Callable[[Any], bool]]] = [
    ("account_privileges", lambda c: c.account_privileges("acme"), "GET",
     "/accounts/acme/privileges", "", None, [PRIV], 200,
     lambda r: r[0].virtual_machine_name == "web1" and r[0].creating_username == "alice"),
    ("group_privileges", lambda c: c.group_privileges("acme", "web"), "GET",
     TARGETS + "/privileges", "", None, [], 200, lambda r: r == []),
    ("vm_privileges", lambda c: c.vm_privileges("acme", "web", "web1"), "GET",
     TARGETS + "/virtual_machines/web1/privileges", "", None, [PRIV], 200,
     lambda r: (r[0].username, r[0].level, r[0].account_name) == ("bob", "vm_admin", None)),
    ("user_privileges", lambda c: c.user_privileges("bob"), "GET", "/users/bob/privileges", "",
     None, [PRIV], 200, lambda r: r[0].id == 12),
    ("privilege_grant", lambda c: c.privilege_grant(PrivilegeGrant("bob", "vm_admin", 7)),
     "POST", "/users/bob/privileges", "", CLI_GRANT, PRIV, 201, lambda r: r.id == 12),
    ("privilege_grant:group_yubikey", lambda c: c.privilege_grant(
     PrivilegeGrant("bob", "group_admin", 3, yubikey_required=True)), "POST",
     "/users/bob/privileges", "", {"group_id": 3, "level": "group_admin",
     "password_required": True, "yubikey_required": True}, PRIV, 201, lambda r: r.id == 12),
    ("privilege_grant:for_a_key", lambda c: c.privilege_grant(
     PrivilegeGrant("alice", "account_admin", 1, api_key_id=9)), "POST",
     "/users/alice/privileges", "", {"account_id": 1, "level": "account_admin",
     "password_required": False, "yubikey_required": False, "api_key_id": 9}, PRIV, 201,
     lambda r: r.id == 12),
    ("privilege_grant:username_is_one_segment", lambda c: c.privilege_grant(
     PrivilegeGrant("../admin", "vm_console", 7)), "POST", "/users/..%2Fadmin/privileges", "",
     {**CLI_GRANT, "level": "vm_console"}, PRIV, 201, lambda r: r.id == 12),
    ("privilege_set_yubikey", lambda c: c.privilege_set_yubikey(12, required=True), "PUT",
     "/privileges/12", "", {"yubikey_required": True}, {**PRIV, "yubikey_required": True}, 200,
     lambda r: r.yubikey_required is True),
    ("privilege_revoke", lambda c: c.privilege_revoke(12), "DELETE", "/privileges/12", "", None,
     None, 204, lambda r: r is None),
    ("api_keys", lambda c: c.api_keys(), "GET", "/api_keys", "view=overview", None,
     [KEY, {**KEY, "id": 10, "privileges": [PRIV]}], 200,
     lambda r: r[0] == ApiKey(id=9, label="deploy", user_id=5, username="alice")
     and r[1].privileges[0].level == "vm_admin"),
    ("api_key_create", lambda c: c.api_key_create(label="deploy",
     expires_at="2099-01-01T00:00:00Z"), "POST", "/api_keys", "",
     {"label": "deploy", "expires_at": "2099-01-01T00:00:00Z"},
     {**KEY, "api_key": "s3cr3t-v4lue-x"}, 201,
     lambda r: isinstance(r, NewApiKey) and r.token == "apikey.s3cr3t-v4lue-x"),
    ("api_key_delete", lambda c: c.api_key_delete(9), "DELETE", "/api_keys/9", "", None, None,
     204, lambda r: r is None),
]  # fmt: skip


@pytest.mark.parametrize(
    "make",
    [
        lambda: PrivilegeGrant("bob", "cluster_admin", 1),  # not grantable on an object
        lambda: PrivilegeGrant("bob", "server_admin", 1),  # the CLI's alias: the caller's job
        lambda: PrivilegeGrant("", "vm_admin", 1),
        lambda: PrivilegeGrant("bob", "vm_admin", True),  # type: ignore[arg-type]
        lambda: PrivilegeGrant("bob", "vm_admin", 7, yubikey_required=True, api_key_id=9),
    ],
)
def test_a_grant_bigv_would_refuse_is_not_sent(make) -> None:
    with pytest.raises(ValueError):
        make()


def test_a_keys_expiry_is_read_as_bc_reads_it() -> None:
    expired = ApiKey(id=10, label="old", expires_at="2001-02-03T04:05:06Z")
    now = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert expired.expired(now)
    assert expired.expires == dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    assert not ApiKey(id=9, label="forever").expired(now)
    assert not ApiKey(id=11, label="odd", expires_at="next tuesday").expired(now)


def test_a_new_keys_secret_never_shows_in_a_repr(rsps, client: BigVClient) -> None:
    rsps.post(f"{API}/api_keys", json={**KEY, "api_key": "apikey.s3cr3t-v4lue-x"}, status=201)
    created = client.api_key_create(label="deploy")
    assert created.secret == "s3cr3t-v4lue-x"  # stored without the prefix (§13, C18)
    assert "s3cr3t" not in repr(created) and "s3cr3t" not in repr(created.key)


def test_a_creation_answer_without_the_secret_is_invalid(rsps, client: BigVClient) -> None:
    rsps.post(f"{API}/api_keys", json=KEY, status=201)
    with pytest.raises(InvalidResponse):
        client.api_key_create(label="deploy")
    with pytest.raises(ValueError):
        client.api_key_create(label="")
