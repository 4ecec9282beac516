"""Login throttling: the (username, address) pair is locked, nobody else; many addresses
together lock the username everywhere; look-alike usernames and forged X-Forwarded-For do not
get around either; it holds across processes (the database, not a cache); it ends after the
cool-off; every step is audited."""

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


# --- Look-alike usernames: one account, one count -------------------------------------------


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)  # "alice" → full-width letters


FULL_WIDTH = _full_width("alice")
LOOK_ALIKES = [FULL_WIDTH, _full_width("ALICE"), "Alice", " alice", "alice\u3000", "\uff41lice"]


def test_a_full_width_username_logs_in_as_the_account_itself(alice) -> None:
    # Why look-alikes matter: Django's login form folds NFKC, so the full-width name IS alice.
    assert _logged_in(_login(FULL_WIDTH, PANEL_PASSWORD, OFFICE))


@pytest.mark.parametrize("look_alike", LOOK_ALIKES)
def test_look_alikes_do_not_get_around_the_lock(alice, settings, look_alike: str) -> None:
    _lock("alice", OFFICE, settings)
    assert not _logged_in(_login(look_alike, PANEL_PASSWORD, OFFICE))
    assert not _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))
    denied = audit("auth.login_failed", outcome="denied")
    assert [entry.params["username"] for entry in denied] == ["alice", "alice"]


def test_look_alike_failures_count_against_the_account(alice, settings) -> None:
    for name in LOOK_ALIKES[: settings.PANEL_LOGIN_FAILURE_LIMIT]:
        _login(name, WRONG, OFFICE)
    assert not _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))
    [row] = LoginFailure.objects.filter(username="alice", ip=OFFICE)
    assert row.failures == settings.PANEL_LOGIN_FAILURE_LIMIT and row.locked_until
    first = audit("auth.login_failed")[0]
    # The account it counted against, and what was typed.
    assert first.params == {"username": "alice", "typed": FULL_WIDTH}


# --- Forged and forwarded addresses --------------------------------------------------------


def _login_via(username: str, password: str, remote_addr: str, forwarded: str) -> Client:
    client = Client(REMOTE_ADDR=remote_addr, headers={"X-Forwarded-For": forwarded})
    client.post(reverse("login"), {"username": username, "password": password})
    return client


def test_a_forged_forwarded_for_changes_nothing_without_a_trusted_proxy(alice, settings) -> None:
    assert settings.PANEL_TRUSTED_PROXIES == []
    for n in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        _login_via("alice", WRONG, OFFICE, f"198.18.0.{n}")
    assert not _logged_in(_login_via("alice", PANEL_PASSWORD, OFFICE, "198.18.0.99"))
    assert not _logged_in(_login_via("alice", PANEL_PASSWORD, OFFICE, f"{HOME}, {HOME}"))
    assert {entry.source_ip for entry in audit("auth.login_failed")} == {OFFICE}
    assert list(LoginFailure.objects.filter(ip=OFFICE).values_list("failures", flat=True)) == [5]


PROXY = "172.31.255.1"


def test_behind_the_trusted_proxy_the_client_is_the_forwarded_address(alice, settings) -> None:
    settings.PANEL_TRUSTED_PROXIES = [f"{PROXY}/32"]
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        # What a client wrote in front of the proxy's address is not believed.
        _login_via("alice", WRONG, PROXY, f"198.18.0.1, {OFFICE}")
    assert not _logged_in(_login_via("alice", PANEL_PASSWORD, PROXY, OFFICE))
    assert _logged_in(_login_via("alice", PANEL_PASSWORD, PROXY, HOME))  # another client
    [locked] = audit("auth.locked_out")
    assert locked.source_ip == OFFICE
    assert LoginFailure.objects.filter(ip=OFFICE).exists()
    assert not LoginFailure.objects.filter(ip__in=[PROXY, "198.18.0.1"]).exists()


@pytest.mark.parametrize(
    "forwarded",
    ["x" * 20_000, "1" * 60, "not, an, address", "fe80::1%" + "e" * 100, "\t,\t", "::ffff:1.2.3"],
    ids=["long", "long-digits", "words", "scoped", "blank", "broken"],
)
@pytest.mark.parametrize("trusted", [False, True], ids=["untrusted", "trusted"])
def test_a_garbage_header_is_harmless(alice, settings, forwarded: str, trusted: bool) -> None:
    if trusted:
        settings.PANEL_TRUSTED_PROXIES = [f"{PROXY}/32"]
    client = Client(REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": forwarded})
    response = client.post(reverse("login"), {"username": "alice", "password": WRONG})
    assert response.status_code == 200
    good = client.post(reverse("login"), {"username": "alice", "password": PANEL_PASSWORD})
    assert good.status_code == 302
    [failed] = audit("auth.login_failed")
    [login] = audit("auth.login")
    assert failed.source_ip == login.source_ip == PROXY


# --- One account from every address ---------------------------------------------------------


def _addresses(count: int) -> list[str]:
    return [f"198.18.{n // 200}.{n % 200 + 1}" for n in range(count)]


def test_many_addresses_together_lock_the_account_everywhere(alice, bob, settings) -> None:
    limit = settings.PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT
    assert limit == 20  # the default
    for address in _addresses(limit):  # one guess from each: no pair reaches its limit
        _login("alice", WRONG, address)
    assert not LoginFailure.objects.filter(
        failures__gte=settings.PANEL_LOGIN_FAILURE_LIMIT
    ).exclude(ip="*")
    # Locked from everywhere, even an address that never failed; nobody else is.
    response = Client(REMOTE_ADDR=HOME).post(
        reverse("login"), {"username": "alice", "password": PANEL_PASSWORD}
    )
    body = response.content.decode()
    assert "Too many failed log-in attempts" in body and "ask an administrator" in body
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not _logged_in(_login(_full_width("ALICE"), PANEL_PASSWORD, OFFICE))
    assert _logged_in(_login("bob", PANEL_PASSWORD, HOME))
    [locked] = audit("auth.locked_out")
    assert locked.params["every_address"] is True
    assert locked.params["failures"] == limit and locked.params["scope"] == "login"
    denied = audit("auth.login_failed", outcome="denied")
    assert denied[0].params == {"username": "alice", "locked_out": True, "every_address": True}


def test_a_success_keeps_the_count_from_every_address(alice, settings) -> None:
    settings.PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    for address in _addresses(3):
        _login("alice", WRONG, address)
    _login("alice", WRONG, OFFICE)
    assert _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))  # forgets OFFICE's pair only
    assert not LoginFailure.objects.filter(ip=OFFICE).exists()
    assert LoginFailure.objects.get(ip="*").failures == 4
    for address in _addresses(2):
        _login("alice", WRONG, address)
    assert not _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))


def test_login_unlock_lifts_both_locks(alice, settings) -> None:
    settings.PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT = 7
    _lock("alice", OFFICE, settings)  # the pair (5), and 5 towards the account's 7
    for address in _addresses(2):
        _login("alice", WRONG, address)
    assert LoginFailure.objects.get(ip="*").locked_until is not None
    assert not _logged_in(_login("alice", PANEL_PASSWORD, HOME))
    # --ip lifts only that address's lock: the account's stays.
    call_command("login_unlock", "alice", "--ip", HOME)
    assert not _logged_in(_login("alice", PANEL_PASSWORD, HOME))
    # An operator may type the name as they like; every lock of the account goes.
    call_command("login_unlock", "Alice")
    assert not LoginFailure.objects.exists()
    assert _logged_in(_login("alice", PANEL_PASSWORD, OFFICE))
    last = audit("auth.unlocked")[-1]
    assert last.params == {"username": "Alice", "ip": None, "lifted": 4}
    assert last.target_id == str(alice.pk)


def test_the_account_limit_is_configurable(alice, settings) -> None:
    settings.PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT = 3
    for address in _addresses(3):
        _login("alice", WRONG, address)
    assert not _logged_in(_login("alice", PANEL_PASSWORD, HOME))
