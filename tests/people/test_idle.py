"""Idle sessions end; the live-status requests a page sends by itself do not keep them alive."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from panel.people.idle import SESSION_KEY
from tests.credentials.helpers import audit

pytestmark = pytest.mark.django_db


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_a_click_within_the_idle_limit_keeps_the_session(alice_client: Client, settings) -> None:
    assert alice_client.get(reverse("password_change")).status_code == 200
    _idle_for(alice_client, settings.PANEL_SESSION_IDLE_SECONDS - 120)
    assert alice_client.get(reverse("password_change")).status_code == 200
    # ... and counts as activity.
    assert int(time.time()) - alice_client.session[SESSION_KEY] < 5


def test_an_idle_session_ends_and_the_user_logs_in_again(alice_client: Client, settings) -> None:
    alice_client.get(reverse("password_change"))
    _idle_for(alice_client, settings.PANEL_SESSION_IDLE_SECONDS + 1)

    response = alice_client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('password_change')}"
    assert "_auth_user_id" not in alice_client.session
    [entry] = audit("auth.logout")
    assert entry.params == {"reason": "idle"}


def test_an_idle_htmx_request_sends_the_whole_page_to_the_login(
    alice_client: Client, settings
) -> None:
    alice_client.get(reverse("password_change"))
    _idle_for(alice_client, settings.PANEL_SESSION_IDLE_SECONDS + 1)
    response = alice_client.get(
        reverse("audit:list"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="/audit/"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/audit/"


def test_background_requests_do_not_count_as_activity(alice_client: Client, settings) -> None:
    alice_client.get(reverse("password_change"))
    started = int(time.time()) - 600
    _idle_for(alice_client, 600)
    # The header's "running now" poll, sent every few seconds by an open page.
    assert (
        alice_client.get(reverse("operations:running"), HTTP_HX_REQUEST="true").status_code == 200
    )
    assert alice_client.session[SESSION_KEY] == started
