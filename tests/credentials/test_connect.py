"""Connecting, checking and disconnecting BigV credentials, against the real simulator."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from panel.core.actor import Actor
from panel.credentials.clients import client_for, count_api_calls
from panel.credentials.models import BigVCredential
from panel.credentials.services import credentials_connect_api_key, credentials_disconnect
from tests.credentials.helpers import audit, closed_port_url, sim_last_seq

pytestmark = pytest.mark.django_db

CONNECTION = reverse("credentials:connection")
API_KEY = reverse("credentials:connect_api_key")
PASSWORD = reverse("credentials:connect_password")


def test_connection_page_when_not_connected(alice_client: Client) -> None:
    response = alice_client.get(CONNECTION)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Not connected" in body
    assert 'name="api_key"' in body and 'name="username"' in body
    assert "YubiKey OTP" in body
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("key", ["apikey.demo-key", "demo-key"])
def test_connect_with_an_api_key(sim, alice_client: Client, alice, key: str) -> None:
    response = alice_client.post(API_KEY, {"api_key": key})
    assert response.status_code == 302 and response["Location"] == CONNECTION
    credential = BigVCredential.objects.get(user=alice)
    assert credential.kind == "api_key"
    assert credential.bigv_username == "demo"
    assert credential.factors == ["apikey"]
    assert credential.status == "active"
    assert credential.connected_at and credential.last_checked_at
    page = alice_client.get(CONNECTION).content.decode()
    assert "Connected to BigV as demo" in page
    assert "demo-key" not in page
    [entry] = audit("credentials.connect")
    assert entry.outcome == "succeeded" and entry.actor_id is not None
    assert entry.params == {"kind": "api_key", "bigv_username": "demo"}
    assert "demo-key" not in repr(entry.__dict__)
    # The stored key works for API calls made on alice's behalf.
    with client_for(alice) as client:
        assert [a.name for a in client.accounts()] == ["demo"]


def test_a_bad_api_key_is_refused_clearly(sim, alice_client: Client, alice) -> None:
    response = alice_client.post(API_KEY, {"api_key": "apikey.not-a-real-key"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "BigV did not accept that API key." in body
    assert 'aria-invalid="true"' in body
    assert "not-a-real-key" not in body
    assert not BigVCredential.objects.filter(user=alice).exists()
    [entry] = audit("credentials.rejected")
    assert entry.outcome == "refused"
    assert entry.api_status == 401
    assert entry.api_error
    assert "not-a-real-key" not in repr(entry.__dict__)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "This field is required."),
        ("apikey.demo key", "no spaces or line breaks"),
        ("demo-key\n", "no spaces or line breaks"),
        (" demo-key", "no spaces or line breaks"),
        ("apikey.", "Enter the key itself"),
        ("démo-key", "does not look like an API key"),
    ],
)
def test_api_key_form_validates_before_any_api_call(
    sim, alice_client: Client, key: str, message: str
) -> None:
    before = sim_last_seq(sim)
    with count_api_calls() as calls:
        response = alice_client.post(API_KEY, {"api_key": key})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(calls) == 0
    assert sim_last_seq(sim) == before


def test_connect_with_username_and_password(sim, alice_client: Client, alice) -> None:
    response = alice_client.post(
        PASSWORD, {"username": "demo", "password": "demo-password", "yubikey": ""}
    )
    assert response.status_code == 302
    credential = BigVCredential.objects.get(user=alice)
    assert credential.kind == "session"
    assert credential.bigv_username == "demo"
    assert "password" in credential.factors
    page = alice_client.get(CONNECTION).content.decode()
    assert "Username and password" in page and "factors: password" in page
    [entry] = audit("credentials.connect")
    assert entry.params == {"kind": "session", "bigv_username": "demo"}
    with client_for(alice) as client:
        assert [a.name for a in client.accounts()] == ["demo"]


def test_a_wrong_password_is_refused_clearly(sim, alice_client: Client, alice) -> None:
    response = alice_client.post(PASSWORD, {"username": "demo", "password": "not-the-password"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "BigV did not accept that username and password." in body
    assert 'id="id_password_error"' in body
    assert not BigVCredential.objects.filter(user=alice).exists()
    [entry] = audit("credentials.rejected")
    assert entry.outcome == "refused" and entry.api_status == 401
    assert entry.params == {"kind": "session", "bigv_username": "demo"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "", "password": "x"}, "username"),
        ({"username": "demo", "password": ""}, "password"),
        ({"username": "de mo", "password": "x"}, "username"),
        ({"username": "demo", "password": "x", "yubikey": "not-an-otp"}, "yubikey"),
    ],
)
def test_password_form_validates_before_any_api_call(
    sim, alice_client: Client, data: dict[str, str], field: str
) -> None:
    before = sim_last_seq(sim)
    response = alice_client.post(PASSWORD, data)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert sim_last_seq(sim) == before


def test_auth_service_unreachable(sim, settings, alice_client: Client, alice) -> None:
    settings.BIGV_AUTH_URL = closed_port_url("/auth")
    response = alice_client.post(PASSWORD, {"username": "demo", "password": "demo-password"})
    assert response.status_code == 200
    assert "BigV could not be reached — try again." in response.content.decode()
    [entry] = audit("credentials.rejected")
    assert entry.outcome == "failed" and entry.api_status is None


def test_check_now_updates_the_check_time(sim, alice_client: Client, alice) -> None:
    alice_client.post(API_KEY, {"api_key": "apikey.demo-key"})
    first = BigVCredential.objects.get(user=alice).last_checked_at
    response = alice_client.post(reverse("credentials:check"))
    assert response.status_code == 302
    assert BigVCredential.objects.get(user=alice).last_checked_at > first
    assert "BigV accepted your credentials" in alice_client.get(CONNECTION).content.decode()


def test_disconnect_confirms_then_forgets(sim, alice_client: Client, alice) -> None:
    alice_client.post(API_KEY, {"api_key": "apikey.demo-key"})
    confirm = alice_client.get(reverse("credentials:disconnect"))
    assert confirm.status_code == 200
    assert "Disconnect from BigV?" in confirm.content.decode()
    assert BigVCredential.objects.filter(user=alice).exists()  # GET changes nothing
    response = alice_client.post(reverse("credentials:disconnect"))
    assert response.status_code == 302
    assert not BigVCredential.objects.filter(user=alice).exists()
    [entry] = audit("credentials.disconnect")
    assert entry.outcome == "succeeded"
    assert entry.before["bigv_username"] == "demo" and entry.after is None
    assert "Not connected" in alice_client.get(CONNECTION).content.decode()


def test_connecting_again_replaces_the_credential(sim, alice_client: Client, alice) -> None:
    alice_client.post(API_KEY, {"api_key": "apikey.demo-key"})
    alice_client.post(API_KEY, {"api_key": "apikey.viewer-key"})
    credential = BigVCredential.objects.get(user=alice)
    assert credential.bigv_username == "viewer"
    second = audit("credentials.connect")[-1]
    assert second.before["bigv_username"] == "demo"
    assert second.after["bigv_username"] == "viewer"


def test_a_user_cannot_manage_someone_elses_connection(sim, alice, bob) -> None:
    as_bob = Actor(user_id=bob.pk, username="bob", ip="127.0.0.1", request_id="r-1234567890")
    with pytest.raises(PermissionDenied):
        credentials_connect_api_key(actor=as_bob, user=alice, api_key="apikey.demo-key")
    with pytest.raises(PermissionDenied):
        credentials_disconnect(actor=as_bob, user=alice)
    assert not BigVCredential.objects.exists()
    denied = audit("authz.denied")
    assert [(e.actor_id, e.target_id, e.outcome) for e in denied] == [
        (bob.pk, str(alice.pk), "denied"),
        (bob.pk, str(alice.pk), "denied"),
    ]
