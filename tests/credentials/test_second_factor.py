"""The 2FA step: the password crosses it encrypted in the page, never stored or shown."""

from __future__ import annotations

import json
import re
import time

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.test import Client
from django.urls import reverse

from panel.credentials.crypto import seal_pending_login
from panel.credentials.models import BigVCredential
from tests.credentials.helpers import audit, database_text

pytestmark = pytest.mark.django_db

PASSWORD = reverse("credentials:connect_password")
SECURE_PASSWORD = "secure-password"


def _pending(body: str) -> str:
    match = re.search(r'<input type="hidden" name="pending" value="([^"]+)"', body)
    assert match, "the code step carries the first step in a hidden field"
    return match.group(1)


def _first_step(client: Client) -> tuple[str, str]:
    response = client.post(PASSWORD, {"username": "secure", "password": SECURE_PASSWORD})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Enter your authentication code" in body
    assert SECURE_PASSWORD not in body
    return body, _pending(body)


def test_missing_2fa_asks_for_a_code_then_connects(sim, alice_client: Client, alice) -> None:
    body, pending = _first_step(alice_client)
    assert 'name="code"' in body and 'autocomplete="one-time-code"' in body
    assert not BigVCredential.objects.filter(user=alice).exists()  # nothing stored yet
    response = alice_client.post(PASSWORD, {"pending": pending, "code": "123456"})
    assert response.status_code == 302
    credential = BigVCredential.objects.get(user=alice)
    assert credential.kind == "session"
    assert credential.bigv_username == "secure"
    assert "2fa" in credential.factors and "password" in credential.factors
    [entry] = audit("credentials.connect")
    assert entry.outcome == "succeeded"
    assert SECURE_PASSWORD not in database_text()


def test_a_wrong_code_is_refused_and_the_code_step_stays(sim, alice_client: Client, alice) -> None:
    _, pending = _first_step(alice_client)
    response = alice_client.post(PASSWORD, {"pending": pending, "code": "654321"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "That code was not accepted." in body
    assert 'id="id_code_error"' in body
    assert _pending(body) == pending
    assert SECURE_PASSWORD not in body
    [entry] = audit("credentials.rejected")
    assert entry.outcome == "refused" and entry.api_status == 401
    # A right code afterwards still works within the five minutes.
    assert alice_client.post(PASSWORD, {"pending": pending, "code": "123456"}).status_code == 302


def test_a_malformed_code_is_caught_before_any_api_call(sim, alice_client: Client) -> None:
    _, pending = _first_step(alice_client)
    response = alice_client.post(PASSWORD, {"pending": pending, "code": "12ab"})
    assert "Enter the 6-digit code." in response.content.decode()
    assert audit("credentials.rejected") == []


def test_another_users_pending_step_is_useless(sim, alice_client: Client, bob_client) -> None:
    _, pending = _first_step(alice_client)
    response = bob_client.post(PASSWORD, {"pending": pending, "code": "123456"})
    assert response.status_code == 200
    assert "enter your password again" in response.content.decode()
    assert not BigVCredential.objects.exists()


def test_a_stale_pending_step_starts_over(sim, alice_client: Client, alice) -> None:
    payload = json.dumps({"u": alice.pk, "n": "secure", "p": SECURE_PASSWORD, "y": ""})
    fernet = MultiFernet([Fernet(k) for k in settings.PANEL_CREDENTIAL_KEYS])
    stale = fernet.encrypt_at_time(payload.encode(), int(time.time()) - 301).decode()
    response = alice_client.post(PASSWORD, {"pending": stale, "code": "123456"})
    assert "The code step timed out" in response.content.decode()
    assert not BigVCredential.objects.exists()
    # Within the window the same kind of payload is fine.
    fresh = seal_pending_login(user_id=alice.pk, username="secure", password=SECURE_PASSWORD)
    assert alice_client.post(PASSWORD, {"pending": fresh, "code": "123456"}).status_code == 302


def test_a_tampered_pending_step_starts_over(sim, alice_client: Client) -> None:
    _, pending = _first_step(alice_client)
    tampered = pending[:-6] + ("A" if pending[-6] != "A" else "B") + pending[-5:]
    response = alice_client.post(PASSWORD, {"pending": tampered, "code": "123456"})
    assert "enter your password again" in response.content.decode()


def test_yubikey_otp_is_sent_as_yubikey(sim, alice_client: Client, alice) -> None:
    otp = "cccccccbcjdifctrndncchkftchjlnbhvhtugdljibej"
    response = alice_client.post(
        PASSWORD, {"username": "secure", "password": SECURE_PASSWORD, "yubikey": otp}
    )
    # The simulator accepts a well-formed OTP as the second factor.
    assert response.status_code == 302
    assert "yubikey" in BigVCredential.objects.get(user=alice).factors
