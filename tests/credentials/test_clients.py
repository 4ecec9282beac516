"""panel.credentials.clients: per-user clients, call counting, cached definitions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from panel.bigv import Definitions
from panel.credentials.clients import (
    CredentialUndecryptable,
    NotConnected,
    auth_client,
    client_for,
    count_api_calls,
    definitions,
)
from panel.credentials.models import BigVCredential
from tests.credentials.helpers import connect_key, sim_requests

pytestmark = pytest.mark.django_db


def test_client_for_needs_an_active_credential(sim, settings, alice) -> None:
    with pytest.raises(NotConnected) as missing:
        client_for(alice)
    assert missing.value.status == ""
    connect_key(alice, "apikey.demo-key")
    BigVCredential.objects.filter(user=alice).update(status="expired")
    with pytest.raises(NotConnected) as expired:
        client_for(alice)
    assert expired.value.status == "expired"
    BigVCredential.objects.filter(user=alice).update(status="active", ciphertext="garbage")
    with pytest.raises(CredentialUndecryptable):
        client_for(alice)


def test_count_api_calls_counts_this_blocks_requests(sim, alice) -> None:
    connect_key(alice, "apikey.demo-key")
    with client_for(alice) as client:
        client.accounts()  # outside any counter: not counted anywhere
        with count_api_calls() as outer:
            client.accounts()
            with count_api_calls() as inner:
                client.account("demo")
    assert [(c.method, c.status) for c in outer.calls] == [("GET", 200), ("GET", 200)]
    assert len(inner) == 1 and inner.count == 1
    assert inner.paths("GET") == ["/accounts/demo"]


def test_count_api_calls_sees_a_page_s_requests(sim, alice, alice_client: Client) -> None:
    connect_key(alice, "apikey.demo-key")
    with count_api_calls() as calls:
        assert alice_client.post(reverse("credentials:check")).status_code == 302
    # The check, then the person's BigV access read again (privileges, the account tree).
    assert calls.paths() == ["/privileges", "/privileges", "/accounts"]
    with count_api_calls() as calls:
        alice_client.get(reverse("credentials:connection"))
    assert len(calls) == 0  # the connection page itself never calls BigV


def test_definitions_are_cached_and_unauthenticated(sim, settings) -> None:
    _, start = sim_requests(sim)
    with count_api_calls() as calls:
        first = definitions()
        second = definitions()
    assert isinstance(first, Definitions) and first == second
    assert len(calls) == 1
    requests, _ = sim_requests(sim, since=start)
    assert [(r["path"], r["user"]) for r in requests] == [("/definitions", None)]


def test_auth_client_points_at_the_auth_service(sim) -> None:
    with auth_client() as auth:
        token = auth.create_session(username="demo", password="demo-password")
        assert auth.session(token).username == "demo"
