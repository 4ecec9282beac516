"""A credential BigV stops accepting, and each user's calls carrying only their own token."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from panel.credentials.clients import NotConnected, client_for
from panel.credentials.crypto import encrypt_token
from panel.credentials.models import BigVCredential
from tests.credentials.helpers import audit, connect_key, expire_sessions, sim_requests

pytestmark = pytest.mark.django_db

CONNECTION = reverse("credentials:connection")
CHECK = reverse("credentials:check")


def test_an_expired_session_asks_to_reconnect(sim, alice_client: Client, alice) -> None:
    alice_client.post(
        reverse("credentials:connect_password"), {"username": "demo", "password": "demo-password"}
    )
    assert BigVCredential.objects.get(user=alice).status == "active"
    expire_sessions(sim, "demo")

    response = alice_client.post(CHECK)  # the next API call gets 401
    assert response.status_code == 401
    body = response.content.decode()
    assert "Your BigV session has expired or was rejected — reconnect." in body
    assert "<html" in body  # a full page, within base.html

    credential = BigVCredential.objects.get(user=alice)
    assert credential.status == "expired"
    assert credential.last_error
    [entry] = audit("credentials.rejected")
    assert entry.outcome == "refused" and entry.api_status == 401
    assert entry.before["status"] == "active" and entry.after["status"] == "expired"

    page = alice_client.get(CONNECTION)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your BigV session has expired or was rejected — reconnect." in text
    assert "Check now" not in text  # nothing to check until reconnected
    with pytest.raises(NotConnected):
        client_for(alice)

    # Reconnecting fixes it; the rejection was recorded once.
    alice_client.post(reverse("credentials:connect_api_key"), {"api_key": "demo-key"})
    assert BigVCredential.objects.get(user=alice).status == "active"
    assert len(audit("credentials.rejected")) == 1


def test_a_revoked_api_key_is_marked_rejected(sim, alice_client: Client, alice) -> None:
    BigVCredential.objects.create(
        user=alice,
        kind="api_key",
        ciphertext=encrypt_token(user_id=alice.pk, token="apikey.revoked-key"),
        bigv_username="demo",
        factors=["apikey"],
        connected_at="2026-01-01T00:00:00Z",
    )
    response = alice_client.post(CHECK, headers={"HX-Request": "true"})
    assert response.status_code == 401
    body = response.content.decode()
    assert "<html" not in body  # an htmx fragment
    assert "reconnect" in body
    assert BigVCredential.objects.get(user=alice).status == "rejected"


def test_each_user_calls_bigv_with_their_own_token(
    sim, alice, bob, alice_client: Client, bob_client: Client
) -> None:
    connect_key(alice, "apikey.demo-key")
    connect_key(bob, "apikey.viewer-key")
    _, start = sim_requests(sim)

    for client in (alice_client, bob_client, alice_client, bob_client):
        assert client.post(CHECK).status_code == 302
    with client_for(alice) as api:
        api.accounts()
    with client_for(bob) as api:
        api.accounts()

    requests, _ = sim_requests(sim, since=start)
    # Each check makes 3 calls (the check, then the BigV access read again), all as its owner.
    each_check = 3
    assert [r["user"] for r in requests] == [
        *["demo"] * each_check,
        *["viewer"] * each_check,
        *["demo"] * each_check,
        *["viewer"] * each_check,
        "demo",
        "viewer",
    ]
    assert {r["token_kind"] for r in requests} == {"apikey"}


def test_session_and_key_users_stay_apart(sim, alice, bob, alice_client: Client) -> None:
    alice_client.post(
        reverse("credentials:connect_password"),
        {"username": "webadmin", "password": "webadmin-password"},
    )
    connect_key(bob, "apikey.viewer-key")
    _, start = sim_requests(sim)
    with client_for(alice) as api:
        api.accounts()
    with client_for(bob) as api:
        api.accounts()
    requests, _ = sim_requests(sim, since=start)
    assert [(r["user"], r["token_kind"]) for r in requests] == [
        ("webadmin", "session"),
        ("viewer", "apikey"),
    ]
