"""The access pages over HTTP against the simulator: who holds what, grant (plan in words →
grant), revoke, the YubiKey requirement; the grantee's pages change; refusals in words, before
any API call where the panel can tell, audited."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from panel.audit import Outcome
from panel.credentials.clients import count_api_calls
from tests.grants.conftest import browser, entries, privileges_of

WEB1 = {"account": "demo", "group": "web", "vm": "web1"}
WEB = {"account": "demo", "group": "web"}


def _vm_id(sim: Any, name: str) -> int:
    world = sim.world
    with world.lock:
        demo = world.account_by_name["demo"]
        web = world.group_names[demo]["web"]
        return world.vm_names[web][name]


def _privilege_id(sim: Any, username: str, level: str, vm: str) -> int:
    world = sim.world
    vm_id = _vm_id(sim, vm)
    with world.lock:
        user = world.user_named(username)
        return next(
            p.id
            for p in world.privileges.values()
            if (p.user_id, p.level, p.virtual_machine_id, p.api_key_id)
            == (user.id, level, vm_id, None)
        )


def _vm_page(client: Any) -> str:
    """web1's page with every section (its history included)."""
    response = client.get(reverse("vms:detail", kwargs=WEB1) + "?all=1")
    assert response.status_code == 200
    return response.content.decode()


def test_the_vm_page_links_to_its_access_page_which_lists_the_holders(alice, bob) -> None:
    client = browser(alice)
    assert reverse("grants:vm", kwargs=WEB1) in _vm_page(client)
    page = client.get(reverse("grants:vm", kwargs=WEB1)).content.decode()
    assert "Access to web1" in page
    assert "viewer" in page and "bob in the panel" in page and "vm_console" in page
    assert "open web1&#x27;s console" in page
    assert "API key 2 only" in page  # viewer's key's own privilege
    assert reverse("grants:vm_grant", kwargs=WEB1) in page
    assert "Revoke" in page and "Require YubiKey" in page


def test_someone_who_may_grant_nothing_sees_why_and_no_form(bob) -> None:
    client = browser(bob)
    page = client.get(reverse("grants:vm", kwargs=WEB1)).content.decode()
    assert "vm_console" in page and "Revoke" not in page
    assert "Your BigV user may not grant or revoke privileges on web1" in page
    assert reverse("grants:vm_grant", kwargs=WEB1) not in page
    with count_api_calls() as calls:
        refused = client.get(reverse("grants:vm_grant", kwargs=WEB1))
    assert refused.status_code == 403 and len(calls) == 0


def test_account_page_lists_and_links_its_groups_and_offers_nothing(alice) -> None:
    page = browser(alice).get(reverse("grants:account", kwargs={"account": "demo"}))
    text = page.content.decode()
    assert page.status_code == 200 and "account_admin" in text
    assert "granted and revoked by Bytemark" in text
    assert reverse("grants:group", kwargs=WEB) in text
    assert "Revoke" not in text


def test_grant_then_revoke_changes_what_the_grantee_is_offered(alice, bob, sim) -> None:
    """alice grants bob's BigV user vm_admin on web1: bob's VM page offers power actions; she
    revokes it: they are gone again."""
    bobs = browser(bob)
    assert "Stop (hard)" not in _vm_page(bobs)  # vm_console: looking only (scope now kept)
    alices = browser(alice)
    url = reverse("grants:vm_grant", kwargs=WEB1)
    form = alices.get(url).content.decode()
    assert "vm_admin" in form and "vm_console" in form and 'list="bigv-users"' in form
    typed = {"username": "viewer", "level": "vm_admin"}
    with count_api_calls() as calls:
        plan = alices.post(url, {**typed, "action": "plan"})
    assert plan.status_code == 200 and calls.paths("POST") == []
    words = plan.content.decode()
    assert "viewer (bob in the panel) will be able to change web1" in words
    assert 'value="grant"' in words

    granted = alices.post(url, {**typed, "action": "grant"})
    assert granted.status_code == 302 and granted["Location"] == reverse("grants:vm", kwargs=WEB1)
    assert ("vm_admin", _vm_id(sim, "web1"), False, None) in privileges_of(sim, "viewer")
    (entry,) = entries("privilege.grant")
    assert entry.outcome == Outcome.SUCCEEDED and entry.actor_username == "alice"
    assert (entry.target_type, entry.target_id) == ("vm", str(_vm_id(sim, "web1")))
    assert entry.params == {
        "grantee": "viewer",
        "level": "vm_admin",
        "second_factor_required": False,
    }
    assert "Stop (hard)" in _vm_page(bobs)  # bob's kept scope was dropped: read again
    assert "BigV privilege granted" in _vm_page(alices)  # in web1's own history
    assert "BigV privilege granted" in alices.get(reverse("audit:list")).content.decode()

    privilege = _privilege_id(sim, "viewer", "vm_admin", "web1")
    revoke_url = reverse("grants:vm_revoke", kwargs={**WEB1, "privilege": privilege})
    question = alices.get(revoke_url).content.decode()
    assert "viewer (bob in the panel) will no longer be able to change web1" in question
    assert alices.post(revoke_url).status_code == 302
    assert ("vm_admin", _vm_id(sim, "web1"), False, None) not in privileges_of(sim, "viewer")
    (revoked,) = entries("privilege.revoke")
    assert revoked.outcome == Outcome.SUCCEEDED
    assert revoked.before["grantee"] == "viewer" and revoked.before["level"] == "vm_admin"
    assert "Stop (hard)" not in _vm_page(bobs)


def test_a_grant_to_ones_own_bigv_user_refreshes_ones_own_access(carol, sim) -> None:
    """carol (group_admin on web) gives her own BigV user vm_console on web2: her kept
    scope is read again at once."""
    client = browser(carol)
    url = reverse("grants:vm_grant", kwargs={**WEB, "vm": "web2"})
    with count_api_calls() as calls:
        answer = client.post(
            url, {"username": "webadmin", "level": "vm_console", "action": "grant"}
        )
    assert answer.status_code == 302
    assert "/privileges" in calls.paths("GET")  # read again: GET /privileges


def test_a_grant_above_ones_own_level_is_refused_before_any_api_call(carol, sim) -> None:
    client = browser(carol)
    url = reverse("grants:group_grant", kwargs=WEB)
    for action in ("plan", "grant"):
        with count_api_calls() as calls:
            answer = client.post(
                url, {"username": "viewer", "level": "group_admin", "action": action}
            )
        assert answer.status_code == 403, action
        assert len(calls) == 0, action
        assert "Your BigV user may not" in answer.content.decode()
    (denied,) = entries("privilege.grant")  # the grant itself is audited; the plan is a read
    assert denied.outcome == Outcome.DENIED and "group_admin" in denied.api_error


def test_the_auditor_changes_nothing(audrey) -> None:
    client = browser(audrey)
    with count_api_calls() as calls:
        answer = client.post(
            reverse("grants:vm_grant", kwargs=WEB1),
            {"username": "viewer", "level": "vm_admin", "action": "grant"},
        )
    assert answer.status_code == 403 and len(calls) == 0
    assert "changes nothing" in answer.content.decode()


def test_a_duplicate_and_an_unknown_user_are_said_in_words(alice, sim) -> None:
    client = browser(alice)
    url = reverse("grants:vm_grant", kwargs=WEB1)
    same = client.post(url, {"username": "viewer", "level": "vm_console", "action": "plan"})
    assert same.status_code == 400
    assert "viewer already holds vm_console on web1." in same.content.decode()
    unknown = client.post(url, {"username": "nosuchuser", "level": "vm_console", "action": "grant"})
    assert unknown.status_code == 400
    assert "BigV has no user called “nosuchuser”" in unknown.content.decode()
    (refused,) = entries("privilege.grant")
    assert refused.outcome == Outcome.REFUSED and refused.api_status == 404
    invalid = client.post(url, {"username": "../x", "level": "vm_console", "action": "plan"})
    assert invalid.status_code == 400


def test_bigvs_own_refusal_is_said_and_the_scope_read_again(alice, sim) -> None:
    """The panel's kept view says account_admin; BigV now says vm_admin on web1 only."""
    world = sim.world
    with world.lock:
        demo_key = next(p for p in world.privileges.values() if p.api_key_id == 1)
        demo_key.account_id = None
        demo_key.level, demo_key.virtual_machine_id = "vm_admin", _vm_id(sim, "web1")
    client = browser(alice)
    answer = client.post(
        reverse("grants:vm_grant", kwargs=WEB1),
        {"username": "viewer", "level": "vm_admin", "action": "grant"},
    )
    assert answer.status_code == 403
    assert "BigV refused: your BigV user may grant, change or revoke only levels below its own" in (
        answer.content.decode()
    )
    (refused,) = entries("privilege.grant")
    assert refused.outcome == Outcome.REFUSED and refused.api_status == 403
    # Read again: the form now offers only what BigV allows.
    form = client.get(reverse("grants:vm_grant", kwargs=WEB1)).content.decode()
    assert 'value="vm_console"' in form and 'value="vm_admin"' not in form


def test_the_yubikey_requirement(alice, sim) -> None:
    client = browser(alice)
    privilege = _privilege_id(sim, "viewer", "vm_console", "web1")
    url = reverse("grants:vm_yubikey", kwargs={**WEB1, "privilege": privilege})
    question = client.get(url + "?required=true").content.decode()
    assert "will need a YubiKey (or a one-time code)" in question
    assert 'name="required" value="true"' in question
    assert client.post(url, {"required": "true"}).status_code == 302
    assert ("vm_console", _vm_id(sim, "web1"), True, None) in privileges_of(sim, "viewer")
    page = client.get(reverse("grants:vm", kwargs=WEB1)).content.decode()
    assert "Stop requiring YubiKey" in page
    (entry,) = entries("privilege.yubikey")
    assert entry.after["second_factor_required"] is True
    assert entry.before["second_factor_required"] is False


def test_an_api_keys_privilege_cannot_require_a_yubikey(alice, sim) -> None:
    world = sim.world
    with world.lock:
        key_privilege = next(
            p.id for p in world.privileges.values() if p.api_key_id == 2
        )  # viewer's key's vm_console on web1
    url = reverse("grants:vm_yubikey", kwargs={**WEB1, "privilege": key_privilege})
    client = browser(alice)
    with count_api_calls() as calls:
        answer = client.post(url, {"required": "true"})
    assert answer.status_code == 400 and calls.paths("PUT") == []
    assert "cannot require a YubiKey" in answer.content.decode()


def test_a_stale_page_says_the_privilege_is_gone(alice, sim) -> None:
    client = browser(alice)
    url = reverse("grants:vm_revoke", kwargs={**WEB1, "privilege": 99999})
    assert client.get(url).status_code == 404
    answer = client.post(url)
    assert answer.status_code == 400 and "no longer on web1" in answer.content.decode()


def test_a_vm_the_person_cannot_see_is_not_found(carol) -> None:
    """carol's BigV user sees only group web: db1 is answered as BigV answers."""
    client = browser(carol)
    db1 = {"account": "demo", "group": "db", "vm": "db1"}
    assert client.get(reverse("grants:vm", kwargs=db1)).status_code == 404
    answer = client.post(
        reverse("grants:vm_grant", kwargs=db1),
        {"username": "viewer", "level": "vm_console", "action": "grant"},
    )
    assert answer.status_code == 404
    (denied,) = entries("privilege.grant")
    assert denied.outcome == Outcome.DENIED and denied.target_id == "demo/db/db1"
