"""Privileges and API keys through the client against the simulator, over HTTP, with faults:
grant → the grantee's view changes → revoke; what is retried and what is not
(docs/bigv-api.md §5.5, §7.8, §7.9)."""

from __future__ import annotations

import pytest

from panel.bigv import (
    BadRequest,
    BigVClient,
    ClientConfig,
    ConnectionFailed,
    Forbidden,
    NotFound,
    PrivilegeGrant,
    Unavailable,
)
from tests.bigv_integration.conftest import Control, Sim

QUICK = ClientConfig(retries=2, backoff_base=0.01, backoff_cap=0.02)
# The first DELETE is answered only after the client gave up waiting (read timeout), and
# the second one comes after it was handled: the retry finds the thing already gone.
LATE = ClientConfig(read_timeout=0.2, deadline=5.0, retries=2, backoff_base=1.0, backoff_cap=1.0)


@pytest.fixture
def alice(bsim: Sim) -> BigVClient:
    """BigV user demo (account_admin on demo) through its API key, as the demo panel's alice."""
    return bsim.client("apikey.demo-key", config=QUICK)


def _statuses(ctl: Control, since: int, method: str) -> list[int | None]:
    return [r["status"] for r in ctl.requests(since) if r["method"] == method]


def test_grant_changes_what_the_grantee_may_do_and_revoke_undoes_it(
    bsim: Sim, alice: BigVClient, ids: dict[str, int]
) -> None:
    viewer = bsim.user("viewer")
    with pytest.raises(Forbidden):
        viewer.vm_update("demo", "web", "web1", cores=3)
    granted = alice.privilege_grant(PrivilegeGrant("viewer", "vm_admin", ids["web1"]))
    assert (granted.username, granted.level, granted.virtual_machine_name) == (
        "viewer",
        "vm_admin",
        "web1",
    )
    assert granted.creating_username == "demo" and granted.password_required
    assert viewer.vm_update("demo", "web", "web1", cores=3).cores == 3
    on_web1 = alice.vm_privileges("demo", "web", "web1")
    assert {(p.username, p.level) for p in on_web1} == {
        ("viewer", "vm_console"),
        ("viewer", "vm_admin"),
    }
    alice.privilege_revoke(granted.id)
    with pytest.raises(Forbidden):
        viewer.vm_update("demo", "web", "web1", cores=4)
    with pytest.raises(NotFound):  # a real 404: the first attempt found nothing
        alice.privilege_revoke(granted.id)


def test_listing_on_account_group_and_own(alice: BigVClient, bsim: Sim) -> None:
    assert {p.level for p in alice.account_privileges("demo")} == {"account_admin"}
    on_web = alice.group_privileges("demo", "web")
    # webadmin's own, and its API key's (usable only through that key).
    assert {(p.username, p.level, p.group_name, p.api_key_id is None) for p in on_web} == {
        ("webadmin", "group_admin", "web", True),
        ("webadmin", "group_admin", "web", False),
    }
    assert [p.username for p in bsim.user("viewer").user_privileges("viewer")] == ["viewer"] * 2


def test_bigv_refuses_a_grant_at_ones_own_level(
    bsim: Sim, ids: dict[str, int], ctl: Control
) -> None:
    webadmin = bsim.user("webadmin")
    since = ctl.last_seq()
    with pytest.raises(Forbidden) as refused:
        webadmin.privilege_grant(PrivilegeGrant("viewer", "group_admin", ids["group:web"]))
    assert refused.value.is_refusal
    with pytest.raises(BadRequest) as invalid:  # db1 is not webadmin's to see
        webadmin.privilege_grant(PrivilegeGrant("viewer", "vm_console", ids["db1"]))
    assert invalid.value.field_errors == {"virtual_machine_id": ["is invalid"]}
    assert _statuses(ctl, since, "POST") == [403, 400]


def test_a_grant_is_never_retried(alice: BigVClient, ctl: Control, ids: dict[str, int]) -> None:
    ctl.fault(method="POST", path="/privileges$", status=503, headers={"Retry-After": "0"})
    since = ctl.last_seq()
    with pytest.raises(Unavailable):
        alice.privilege_grant(PrivilegeGrant("viewer", "vm_admin", ids["web2"]))
    assert _statuses(ctl, since, "POST") == [503]
    ctl.call("DELETE", "/faults")
    ctl.fault(method="POST", path="/privileges$", action="drop")
    with pytest.raises(ConnectionFailed):
        alice.privilege_grant(PrivilegeGrant("viewer", "vm_admin", ids["web2"]))
    assert _statuses(ctl, since, "POST") == [503, None]
    ctl.call("DELETE", "/faults")
    assert alice.vm_privileges("demo", "web", "web2") == []


def test_the_yubikey_requirement_is_retried_like_any_put(
    alice: BigVClient, ctl: Control, ids: dict[str, int]
) -> None:
    granted = alice.privilege_grant(PrivilegeGrant("viewer", "vm_admin", ids["web2"]))
    ctl.fault(method="PUT", path="^/privileges/", status=503, times=1)
    since = ctl.last_seq()
    assert alice.privilege_set_yubikey(granted.id, required=True).yubikey_required
    assert _statuses(ctl, since, "PUT") == [503, 200]


def test_a_revoke_whose_answer_was_lost_is_done(
    bsim: Sim, ids: dict[str, int], ctl: Control
) -> None:
    client = bsim.client("apikey.demo-key", config=LATE)
    granted = client.privilege_grant(PrivilegeGrant("viewer", "vm_admin", ids["web2"]))
    ctl.fault(method="DELETE", path="^/privileges/", action="delay", seconds=0.4, times=1)
    since = ctl.last_seq()
    client.privilege_revoke(granted.id)
    ctl.wait_logged(since, lambda r: r["method"] == "DELETE" and r["status"] == 404)
    assert sorted(_statuses(ctl, since, "DELETE")) == [204, 404]
    assert client.vm_privileges("demo", "web", "web2") == []


def test_api_keys_create_list_use_delete(bsim: Sim, alice: BigVClient, ids: dict[str, int]) -> None:
    created = alice.api_key_create(label="deploy", expires_at="2099-01-01T00:00:00Z")
    assert created.key.expires_at == "2099-01-01T00:00:00Z"
    key_client = bsim.client(created.token, config=QUICK)
    assert key_client.accounts() == []  # no privilege yet: it sees nothing
    alice.privilege_grant(
        PrivilegeGrant("demo", "group_admin", ids["group:web"], api_key_id=created.key.id)
    )
    assert [g.name for g in key_client.accounts(overview=True)[0].groups] == ["web"]
    listed = {k.label: k for k in alice.api_keys()}
    assert set(listed) == {"demo-cli", "deploy"}
    assert [p.level for p in listed["deploy"].privileges] == ["group_admin"]
    alice.api_key_delete(created.key.id)
    assert [k.label for k in alice.api_keys()] == ["demo-cli"]
    with pytest.raises(NotFound):
        alice.api_key_delete(created.key.id)


def test_creating_a_key_is_never_retried_and_listing_is(alice: BigVClient, ctl: Control) -> None:
    ctl.fault(method="POST", path="^/api_keys$", status=503, headers={"Retry-After": "0"})
    ctl.fault(method="GET", path="^/api_keys$", status=502, times=1)
    since = ctl.last_seq()
    with pytest.raises(Unavailable):
        alice.api_key_create(label="never")
    assert [k.label for k in alice.api_keys()] == ["demo-cli"]
    assert [(r["method"], r["status"]) for r in ctl.requests(since)] == [
        ("POST", 503),
        ("GET", 502),
        ("GET", 200),
    ]


def test_a_key_delete_whose_answer_was_lost_is_done(bsim: Sim, ctl: Control) -> None:
    client = bsim.client("apikey.demo-key", config=LATE)
    created = client.api_key_create(label="short-lived")
    ctl.fault(method="DELETE", path="^/api_keys/", action="delay", seconds=0.4, times=1)
    since = ctl.last_seq()
    client.api_key_delete(created.key.id)
    ctl.wait_logged(since, lambda r: r["method"] == "DELETE" and r["status"] == 404)
    assert sorted(_statuses(ctl, since, "DELETE")) == [204, 404]
    assert [k.label for k in client.api_keys()] == ["demo-cli"]
