"""Each person's BigV scope: read when they connect, their level on every object."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from panel.access.levels import Level
from panel.access.models import BigVScope
from panel.access.policy import path_abilities, vm_abilities
from panel.access.roles import may_change, role_name, sees_everything
from panel.access.scope import Scope
from panel.access.services import scope_for, scope_forget
from tests.access.conftest import person
from tests.operations.helpers import brain_requests, sim_call, vm_id_of


def test_the_scope_is_read_when_connecting_and_then_kept(alice, sim):
    assert BigVScope.objects.filter(user=alice).exists()
    sim_call(sim, "DELETE", "/requests")
    scope = scope_for(alice)
    assert brain_requests(sim) == []  # kept: no call to BigV
    assert scope.level_on_vm(vm_id_of(sim, "web1")) == Level.ACCOUNT_ADMIN
    assert scope.sees_vm(vm_id_of(sim, "db1"))


def test_a_console_only_person_sees_one_vm_and_may_only_open_its_console(bob, sim):
    scope = scope_for(bob)
    web1, db1 = vm_id_of(sim, "web1"), vm_id_of(sim, "db1")
    assert scope.level_on_vm(web1) == Level.VM_CONSOLE
    assert scope.sees_vm(web1) and not scope.sees_vm(db1)
    can = vm_abilities(bob, web1)
    assert can.console and not can.manage and not can.lifecycle
    assert path_abilities(bob, "demo", "db", "db1").level == Level.NONE


def test_a_group_admin_manages_its_group_but_not_the_group_itself(wes, sim):
    web1 = vm_id_of(sim, "web1")
    can = vm_abilities(wes, web1)
    assert can.manage and can.lifecycle and not can.administer
    assert not scope_for(wes).sees_vm(vm_id_of(sim, "db1"))


def test_roles(alice, audrey, transactional_db):
    assert (role_name(alice), may_change(alice), sees_everything(alice)) == (
        "operator",
        True,
        False,
    )
    assert (role_name(audrey), may_change(audrey), sees_everything(audrey)) == (
        "auditor",
        False,
        True,
    )
    # An auditor's BigV level does not matter: the role changes nothing.
    assert not vm_abilities(audrey, None).manage


def test_without_a_credential_nothing_of_bigv_is_visible(transactional_db, sim):
    nobody = person("nobody", None)
    assert scope_for(nobody).vms == {}
    assert not vm_abilities(nobody, vm_id_of(sim, "web1")).console


def test_one_request_reads_the_kept_scope_once_and_a_forget_is_seen_at_once(
    alice, sim, django_assert_num_queries
):
    first = scope_for(alice)
    with django_assert_num_queries(0):  # the header, the abilities, the lists: one read
        assert scope_for(alice) is first
        assert scope_for(alice) is first

    scope_forget([alice.pk])  # a grant reached her BigV user: read again, not remembered
    sim_call(sim, "DELETE", "/requests")
    again = scope_for(alice)
    assert again is not first and again.sees_vm(vm_id_of(sim, "web1"))
    assert brain_requests(sim) != []  # read from BigV, her kept copy being gone


def _fresh_request(user):
    """The same person on a later request (a new user object: no per-request memo)."""
    return type(user).objects.get(pk=user.pk)


def test_a_later_request_reuses_the_parsed_scope_until_its_row_changes(
    alice, sim, monkeypatch, django_assert_num_queries
):
    first = scope_for(alice)
    parses: list[object] = []
    real = Scope.from_json

    def counting(data):
        parses.append(data)
        return real(data)

    monkeypatch.setattr(Scope, "from_json", counting)
    # Two light queries (the connection, the row's key) and neither the JSON nor a parse.
    later = _fresh_request(alice)
    with django_assert_num_queries(2):
        assert scope_for(later) is first
    assert parses == []

    # Another process read it again (a new read time): this one uses what that one stored.
    shrunk = Scope(first.privileges, first.accounts, first.groups, {})
    BigVScope.objects.filter(user=alice).update(data=shrunk.to_json(), read_at=timezone.now())
    again = scope_for(_fresh_request(alice))
    assert again.vms == {} and len(parses) == 1


def test_bigv_unreachable_keeps_the_last_scope_of_the_same_connection_only(alice, sim):
    scope_for(alice)
    BigVScope.objects.filter(user=alice).update(read_at=timezone.now() - dt.timedelta(days=1))
    sim_call(sim, "POST", "/faults", {"path": "/privileges", "status": 403})
    assert scope_for(_fresh_request(alice)).sees_vm(vm_id_of(sim, "web1"))  # stale beats empty

    # Connected again (another BigV user, perhaps): the old connection's scope is not theirs.
    BigVScope.objects.filter(user=alice).update(credential="another:connection")
    assert scope_for(_fresh_request(alice)).vms == {}
