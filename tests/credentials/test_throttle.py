"""Connecting BigV credentials is throttled like logging in: refused API keys, passwords and
codes are counted per panel user (and address); once locked, nothing reaches BigV until the
time the page names. Every attempt is audited — the second-factor prompt included — against
the real simulator."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from panel.audit.models import AuditEntry
from panel.core.actor import Actor
from panel.credentials.models import BigVCredential
from panel.credentials.services import credentials_mark_rejected
from tests.credentials.helpers import (
    PANEL_PASSWORD,
    audit,
    closed_port_url,
    connect_key,
    sim_last_seq,
)

pytestmark = pytest.mark.django_db

API_KEY = reverse("credentials:connect_api_key")
PASSWORD = reverse("credentials:connect_password")
BAD_KEY = "apikey.not-a-real-key"
OFFICE, HOME = "203.0.113.7", "198.51.100.20"
# "14:05", or "5 Dec 00:05" when the lock ends on another day (late in the evening).
LOCKED = re.compile(
    r"Too many failed attempts to connect to BigV\. Try again after (\d+ \w{3} )?\d\d:\d\d\."
)


def _client(ip: str = OFFICE, username: str = "alice") -> Client:
    client = Client(REMOTE_ADDR=ip)
    assert client.login(username=username, password=PANEL_PASSWORD)
    return client


def _bad_key(client: Client) -> str:
    return client.post(API_KEY, {"api_key": BAD_KEY}).content.decode()


def _pending(body: str) -> str:
    match = re.search(r'<input type="hidden" name="pending" value="([^"]+)"', body)
    assert match, "the code step"
    return match.group(1)


def _code_step(client: Client) -> str:
    body = client.post(PASSWORD, {"username": "secure", "password": "secure-password"})
    return _pending(body.content.decode())


def test_refused_keys_lock_connecting_and_nothing_reaches_bigv(sim, alice, settings) -> None:
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        assert "BigV did not accept that API key." in _bad_key(client)
    before = sim_last_seq(sim)
    response = client.post(API_KEY, {"api_key": "apikey.demo-key"})  # even the right key
    assert response.status_code == 200
    assert LOCKED.search(response.content.decode())
    assert sim_last_seq(sim) == before
    assert not BigVCredential.objects.filter(user=alice).exists()

    rejected = audit("credentials.rejected")
    assert [e.outcome for e in rejected] == ["refused"] * 5 + ["denied"]
    assert rejected[-1].params == {"kind": "api_key", "bigv_username": "", "locked_out": True}
    assert {e.source_ip for e in rejected} == {OFFICE}
    [locked] = audit("auth.locked_out")
    assert locked.outcome == "denied" and locked.target_id == str(alice.pk)
    assert locked.params["scope"] == "bigv_connect" and locked.params["failures"] == 5
    assert locked.params["every_address"] is False
    until = dt.datetime.fromisoformat(locked.params["locked_until"])
    cool_off = dt.timedelta(seconds=settings.PANEL_LOGIN_COOLOFF_SECONDS)
    assert timezone.now() < until <= timezone.now() + cool_off


def test_keys_passwords_and_codes_share_one_count(sim, alice, settings) -> None:
    client = _client()
    _bad_key(client)
    client.post(PASSWORD, {"username": "demo", "password": "not-the-password"})
    pending = _code_step(client)
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT - 2):
        body = client.post(PASSWORD, {"pending": pending, "code": "654321"}).content.decode()
        assert "That code was not accepted." in body
    # Locked: the right code is not sent, and the code step says when to come back.
    before = sim_last_seq(sim)
    body = client.post(PASSWORD, {"pending": pending, "code": "123456"}).content.decode()
    assert LOCKED.search(body) and 'name="code"' in body
    assert sim_last_seq(sim) == before
    # So is the password step.
    body = client.post(PASSWORD, {"username": "demo", "password": "demo-password"}).content
    assert LOCKED.search(body.decode())
    assert not BigVCredential.objects.filter(user=alice).exists()


def test_the_second_factor_step_is_audited_but_not_a_failure(sim, alice, settings) -> None:
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT + 1):
        pending = _code_step(client)
    prompts = audit("credentials.second_factor")
    assert len(prompts) == settings.PANEL_LOGIN_FAILURE_LIMIT + 1
    assert {(e.outcome, e.api_status, e.source_ip) for e in prompts} == {("started", 401, OFFICE)}
    assert prompts[0].params == {"kind": "session", "bigv_username": "secure"}
    assert prompts[0].target_id == str(alice.pk) and prompts[0].actor_id == alice.pk
    assert "secure-password" not in repr([e.__dict__ for e in prompts])
    assert audit("credentials.rejected") == [] and audit("auth.locked_out") == []
    assert client.post(PASSWORD, {"pending": pending, "code": "123456"}).status_code == 302
    [connected] = audit("credentials.connect")
    assert connected.outcome == "succeeded"


def test_wrong_codes_lock_and_every_step_is_audited(sim, alice, settings) -> None:
    client = _client()
    pending = _code_step(client)
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        client.post(PASSWORD, {"pending": pending, "code": "000000"})
    client.post(PASSWORD, {"pending": pending, "code": "123456"})
    actions = ["credentials.second_factor", "credentials.rejected", "auth.locked_out"]
    trail = [
        (e.action, e.outcome) for e in AuditEntry.objects.filter(action__in=actions).order_by("seq")
    ]
    assert trail == (
        [("credentials.second_factor", "started")]
        + [("credentials.rejected", "refused")] * 5
        + [("auth.locked_out", "denied")]  # the fifth refusal started the lock
        + [("credentials.rejected", "denied")]  # the right code, not sent
    )
    assert audit("credentials.connect") == []


def test_the_lock_is_per_person_and_address(sim, alice, bob, settings) -> None:
    office = _client(OFFICE)
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        _bad_key(office)
    assert LOCKED.search(_bad_key(office))
    # alice from home, and bob from the same office, still connect.
    assert _client(HOME).post(API_KEY, {"api_key": "apikey.demo-key"}).status_code == 302
    assert _client(OFFICE, "bob").post(API_KEY, {"api_key": "apikey.viewer-key"}).status_code == (
        302
    )


def test_every_address_together_lock_the_person_everywhere(sim, alice, settings) -> None:
    limit = settings.PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT
    assert limit == 20
    clients = [_client(f"198.18.0.{n + 1}") for n in range(limit // 4)]
    for client in clients:
        for _ in range(4):  # below the per-address limit everywhere
            assert not LOCKED.search(_bad_key(client))
    body = _client(HOME).post(API_KEY, {"api_key": "apikey.demo-key"}).content.decode()
    assert "Too many failed attempts to connect to BigV" in body
    assert "ask an administrator" in body
    [locked] = audit("auth.locked_out")
    assert locked.params["every_address"] is True and locked.params["failures"] == limit
    assert audit("credentials.rejected", outcome="denied")[0].params["every_address"] is True


def test_a_success_forgets_this_addresses_refusals(sim, alice, settings) -> None:
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT - 1):
        _bad_key(client)
    assert client.post(API_KEY, {"api_key": "apikey.demo-key"}).status_code == 302
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT - 1):
        assert not LOCKED.search(_bad_key(client))
    assert client.post(API_KEY, {"api_key": "apikey.viewer-key"}).status_code == 302


def test_bigv_being_unreachable_is_not_a_guess(sim, alice, settings) -> None:
    settings.BIGV_AUTH_URL = closed_port_url("/auth")
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT + 1):
        body = client.post(PASSWORD, {"username": "demo", "password": "demo-password"}).content
        assert "BigV could not be reached" in body.decode()
    assert {e.outcome for e in audit("credentials.rejected")} == {"failed"}
    assert audit("auth.locked_out") == []


def test_the_lock_ends_after_the_cool_off(sim, alice, settings, monkeypatch) -> None:
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        _bad_key(client)
    assert LOCKED.search(_bad_key(client))
    later = timezone.now() + dt.timedelta(seconds=settings.PANEL_LOGIN_COOLOFF_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.post(API_KEY, {"api_key": "apikey.demo-key"}).status_code == 302


def test_login_unlock_lifts_the_connection_lock(sim, alice, settings) -> None:
    office, home = _client(OFFICE), _client(HOME)
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        _bad_key(office)
        _bad_key(home)
    call_command("login_unlock", "alice", "--ip", HOME)  # that address only
    assert LOCKED.search(_bad_key(office))
    assert home.post(API_KEY, {"api_key": "apikey.demo-key"}).status_code == 302
    call_command("login_unlock", "alice")  # every address
    assert office.post(API_KEY, {"api_key": "apikey.viewer-key"}).status_code == 302
    unlocked = audit("auth.unlocked")
    assert [e.target_id for e in unlocked] == [str(alice.pk)] * 2


def test_operators_are_not_throttled(sim, alice, settings) -> None:
    client = _client()
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        _bad_key(client)
    assert connect_key(alice, "apikey.demo-key").status == "active"  # the system actor
    assert LOCKED.search(_bad_key(client))  # alice herself still is


def test_a_stored_credential_that_stops_working_is_not_a_guess(sim, alice, settings) -> None:
    client = _client()
    connect_key(alice, "apikey.demo-key")
    for _ in range(settings.PANEL_LOGIN_FAILURE_LIMIT):
        # Each "check" finds the key revoked and marks it: audited as rejected, not counted.
        BigVCredential.objects.filter(user=alice).update(status="active")
        credentials_mark_rejected(
            actor=Actor(user_id=alice.pk, username="alice", ip=OFFICE, request_id="r-12345678"),
            user=alice,
            error=RuntimeError("revoked"),
        )
    assert len(audit("credentials.rejected")) == settings.PANEL_LOGIN_FAILURE_LIMIT
    assert client.post(API_KEY, {"api_key": "apikey.demo-key"}).status_code == 302
