"""Login throttling: the (username, address) pair is locked, nobody else; it holds across
processes (the database, not a cache); it ends after the cool-off; every step is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from panel.people.models import LoginFailure
from tests.credentials.helpers import PANEL_PASSWORD, audit

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1234"
OFFICE, HOME = "203.0.113.7", "198.51.100.20"


def _login(username: str, password: str, ip: str) -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.post(reverse("login"), {"username": username, "password": password})
    return client


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _lock(username: str, ip: str, settings) -> None:
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        _login(username, WRONG, ip)


def test_the_pair_is_locked_and_nobody_else(alice, bob, settings) -> None:
    _lock("alice", OFFICE, settings)

    assert not _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))  # the locked pair
    assert _logged_in(_login("alice", PANEL_PASSWORD, HOME))  # alice from elsewhere
    assert _logged_in(_login("bob", PANEL_PASSWORD, OFFICE))  # bob from the same office
    [locked] = audit("auth.locked_out")
    assert locked.source_ip == OFFICE and locked.params["username"] == "alice"


def test_the_lock_holds_across_processes_and_cache_flushes(alice, settings) -> None:
    _lock("alice", OFFICE, settings)
    # Another web process has another (empty) cache; the count lives in the database.
    cache.clear()
    row = LoginFailure.objects.get(username="alice", ip=OFFICE)
    assert row.failures == settings.PANEL_LOGIN_FAILURE_LIMIT and row.locked_until is not None
    assert not _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))


def test_usernames_are_throttled_case_insensitively(alice, settings) -> None:
    for name in ("alice", "ALICE", "Alice ", "alicE", "aLice"):
        _login(name, WRONG, OFFICE)
    assert not _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))


def test_the_lock_ends_after_the_cool_off(alice, settings) -> None:
    _lock("alice", OFFICE, settings)
    LoginFailure.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))
    # A success forgets the pair's failures.
    assert not LoginFailure.objects.filter(username="alice", ip=OFFICE).exists()


def test_failures_below_the_limit_expire_with_the_window(alice, settings) -> None:
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT - 1):
        _login("alice", WRONG, OFFICE)
    old = timezone.now() - dt.timedelta(seconds=settings.PANEL_LOGIN_COOLOFF_SECONDS + 1)
    LoginFailure.objects.update(window_started_at=old)
    _login("alice", WRONG, OFFICE)  # counts from one again
    assert LoginFailure.objects.get(username="alice", ip=OFFICE).failures == 1
    assert _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))


def test_unknown_usernames_are_throttled_too(settings) -> None:
    _lock("nobody", OFFICE, settings)
    assert audit("auth.locked_out")[0].params["username"] == "nobody"
    response = Client(REMOTE_ADDR=OFFICE).post(
        reverse("login"), {"username": "nobody", "password": WRONG}
    )
    assert "Too many failed log-in attempts" in response.content.decode()


def test_an_operator_can_lift_a_lock_and_it_is_audited(alice, settings) -> None:
    _lock("alice", OFFICE, settings)
    call_command("login_unlock", "alice", "--ip", OFFICE)
    assert _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))
    [entry] = audit("auth.unlocked")
    assert entry.params == {"username": "alice", "ip": OFFICE, "lifted": 1}
    assert entry.actor_username == "system"


def test_the_admin_login_goes_through_the_throttled_login(alice, settings) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/"
    assert Client().post("/admin/login/", {"username": "alice", "password": WRONG}).status_code == (
        405
    )
