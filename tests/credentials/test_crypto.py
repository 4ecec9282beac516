"""Credentials at rest: encrypted, bound to their owner, rotatable."""

from __future__ import annotations

import base64
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from panel.credentials.clients import client_for
from panel.credentials.crypto import (
    CredentialMismatch,
    CredentialUndecryptable,
    decrypt_token,
    encrypt_token,
    is_under_newest_key,
    open_pending_login,
    seal_pending_login,
)
from panel.credentials.models import BigVCredential
from tests.credentials.helpers import audit, connect_key

pytestmark = pytest.mark.django_db


def _substrings(text: str, size: int = 6) -> set[str]:
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def _base64_forms(text: str) -> set[str]:
    forms = set()
    for offset in range(3):  # every alignment of the token inside a base64 stream
        raw = text[offset:].encode()
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(raw).decode().rstrip("=")
            forms.add(encoded[4:12])  # skip the chunk a preceding byte could change
    return forms


def test_the_stored_ciphertext_reveals_nothing_of_the_token(sim, alice) -> None:
    connect_key(alice, "apikey.demo-key")
    token = "apikey.demo-key"
    ciphertext = BigVCredential.objects.get(user=alice).ciphertext
    assert not any(part in ciphertext for part in _substrings(token))
    assert not any(part in ciphertext for part in _base64_forms(token))
    assert decrypt_token(user_id=alice.pk, ciphertext=ciphertext) == token


def test_a_session_token_is_not_stored_in_clear(sim, alice, alice_client: Client) -> None:
    alice_client.post(
        reverse("credentials:connect_password"), {"username": "demo", "password": "demo-password"}
    )
    ciphertext = BigVCredential.objects.get(user=alice).ciphertext
    token = decrypt_token(user_id=alice.pk, ciphertext=ciphertext)
    assert len(token) >= 20
    assert not any(part in ciphertext for part in _substrings(token))
    assert not any(part in ciphertext for part in _base64_forms(token))
    page = alice_client.get(reverse("credentials:connection")).content.decode()
    assert token not in page and token[:10] not in page


def test_a_wrong_key_cannot_decrypt(settings, alice) -> None:
    ciphertext = encrypt_token(user_id=alice.pk, token="apikey.demo-key")
    settings.PANEL_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CredentialUndecryptable):
        decrypt_token(user_id=alice.pk, ciphertext=ciphertext)
    with pytest.raises(CredentialUndecryptable):
        decrypt_token(user_id=alice.pk, ciphertext="not a fernet token")


def test_a_row_copied_onto_another_user_is_rejected(sim, alice, bob, bob_client: Client) -> None:
    connect_key(alice, "apikey.demo-key")
    connect_key(bob, "apikey.viewer-key")
    stolen = BigVCredential.objects.get(user=alice).ciphertext
    BigVCredential.objects.filter(user=bob).update(ciphertext=stolen)
    with pytest.raises(CredentialMismatch):
        decrypt_token(user_id=bob.pk, ciphertext=stolen)
    with pytest.raises(CredentialMismatch):
        client_for(bob)
    # Through a view: bob is asked to reconnect, and his row stops being used.
    response = bob_client.post(reverse("credentials:check"))
    assert response.status_code == 401
    assert "can no longer read your stored BigV credentials" in response.content.decode()
    assert BigVCredential.objects.get(user=bob).status == "rejected"
    [entry] = audit("credentials.rejected")
    assert entry.target_id == str(bob.pk)


def test_a_pending_login_cannot_pass_for_a_stored_token(alice) -> None:
    sealed = seal_pending_login(user_id=alice.pk, username="demo", password="demo-password")
    with pytest.raises(CredentialMismatch):
        decrypt_token(user_id=alice.pk, ciphertext=sealed)
    stored = encrypt_token(user_id=alice.pk, token="apikey.demo-key")
    with pytest.raises(CredentialMismatch):
        open_pending_login(user_id=alice.pk, ciphertext=stored)
    assert "demo-password" not in repr(open_pending_login(user_id=alice.pk, ciphertext=sealed))


def _rotate() -> str:
    out = io.StringIO()
    call_command("rotate_credential_keys", stdout=out)
    return out.getvalue().strip()


def test_rotation_reencrypts_every_row_once(sim, settings, alice, bob) -> None:
    old_key = settings.PANEL_CREDENTIAL_KEYS[0]
    connect_key(alice, "apikey.demo-key")
    connect_key(bob, "apikey.viewer-key")
    before = dict(BigVCredential.objects.values_list("user_id", "ciphertext"))

    new_key = Fernet.generate_key().decode()
    settings.PANEL_CREDENTIAL_KEYS = [new_key, old_key]
    assert not any(is_under_newest_key(c) for c in before.values())
    assert _rotate() == "rotated 2, unchanged 0"

    after = dict(BigVCredential.objects.values_list("user_id", "ciphertext"))
    assert all(after[user_id] != before[user_id] for user_id in before)
    # The new key alone now opens every row; the old key is no longer needed.
    settings.PANEL_CREDENTIAL_KEYS = [new_key]
    assert decrypt_token(user_id=alice.pk, ciphertext=after[alice.pk]) == "apikey.demo-key"
    assert decrypt_token(user_id=bob.pk, ciphertext=after[bob.pk]) == "apikey.viewer-key"

    settings.PANEL_CREDENTIAL_KEYS = [new_key, old_key]
    assert _rotate() == "rotated 0, unchanged 2"
    assert dict(BigVCredential.objects.values_list("user_id", "ciphertext")) == after


def test_rotation_reports_rows_no_key_opens(sim, settings, alice, bob) -> None:
    connect_key(alice, "apikey.demo-key")
    settings.PANEL_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    connect_key(bob, "apikey.viewer-key")
    with pytest.raises(CommandError, match="rotated 0, unchanged 1, undecryptable 1"):
        _rotate()
