"""The password-change form checks the old password: a guess like a log-in, throttled the same
way per person (and address), each attempt audited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.credentials.helpers import PANEL_PASSWORD, audit

pytestmark = pytest.mark.django_db

WRONG = "not-my-old-password-5521"
NEW = "a-fresh-panel-pw-8830"
OFFICE, HOME = "203.0.113.7", "198.51.100.20"


def _client(ip: str = OFFICE) -> Client:
    client = Client(REMOTE_ADDR=ip)
    assert client.login(username="alice", password=PANEL_PASSWORD)
    return client


def _change(client: Client, old: str, new: str = NEW, again: str | None = None) -> str:
    response = client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )
    return "" if response.status_code == 302 else response.content.decode()


def _changed(alice) -> bool:
    return get_user_model().objects.get(pk=alice.pk).check_password(NEW)


def test_wrong_old_passwords_lock_the_form_and_say_until_when(alice, settings) -> None:
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        assert "Your old password was entered incorrectly" in _change(client, WRONG)
    body = _change(client, PANEL_PASSWORD)  # even the right one is not checked now
    # "14:05", or "5 Dec 00:05" when the lock ends on another day (late in the evening).
    assert re.search(r"Too many wrong passwords\. Try again after (\d+ \w{3} )?\d\d:\d\d\.", body)
    assert not _changed(alice)

    entries = audit("auth.password_change")
    assert [e.outcome for e in entries] == ["refused"] * 5 + ["denied"]
    assert entries[0].params == {"errors": ["password_incorrect"]}
    assert entries[-1].params == {"errors": ["throttled"], "locked_out": True}
    assert {e.target_id for e in entries} == {str(alice.pk)}
    [locked] = audit("auth.locked_out")
    assert locked.params["scope"] == "password_change" and locked.params["failures"] == 5
    assert locked.params["every_address"] is False and locked.target_id == str(alice.pk)
    assert locked.source_ip == OFFICE


def test_the_lock_is_per_address_and_per_person(alice, bob, settings) -> None:
    office = _client(OFFICE)
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        _change(office, WRONG)
    assert _change(office, PANEL_PASSWORD)  # refused
    # The same person's other session from elsewhere, and logging in, are unaffected.
    assert _change(_client(HOME), PANEL_PASSWORD) == ""
    assert _changed(alice)
    bob_client = Client(REMOTE_ADDR=OFFICE)
    assert bob_client.login(username="bob", password=PANEL_PASSWORD)
    assert "Too many" not in _change(bob_client, WRONG)


def test_every_address_together_lock_the_form_everywhere(alice, settings) -> None:
    settings.PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT = 4
    for n in range(4):
        _change(_client(f"198.18.0.{n + 1}"), WRONG)
    body = _change(_client(HOME), PANEL_PASSWORD)
    assert "Too many wrong passwords" in body and "ask an administrator" in body
    assert not _changed(alice)
    [locked] = audit("auth.locked_out")
    assert locked.params["every_address"] is True


def test_refused_new_passwords_are_not_guesses(alice, settings) -> None:
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT + 2):
        body = _change(client, PANEL_PASSWORD, NEW, again="something-else-entirely")
        assert "Too many" not in body
    assert _change(client, PANEL_PASSWORD) == ""
    assert _changed(alice)
    assert audit("auth.locked_out") == []


def test_a_success_forgets_this_addresses_failures(alice, settings) -> None:
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT - 1):
        _change(client, WRONG)
    assert _change(client, PANEL_PASSWORD) == ""
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT - 1):
        _change(client, WRONG)
    assert _change(client, NEW, "yet-another-panel-pw-2207") == ""


def test_login_unlock_lifts_the_password_change_lock(alice, settings) -> None:
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        _change(client, WRONG)
    call_command("login_unlock", "alice")
    assert _change(client, PANEL_PASSWORD) == ""
    assert _changed(alice)
