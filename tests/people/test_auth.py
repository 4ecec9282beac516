"""Log in, log out, change password — and the audit entries they leave."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.credentials.helpers import PANEL_PASSWORD, audit, database_text

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "Sentinel-Wrong-Panel-Pw-7731"


def test_login_page_renders_for_anonymous_users(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert "csrfmiddlewaretoken" in body


@pytest.mark.parametrize(
    "url_name", ["password_change", "credentials:connection", "credentials:disconnect"]
)
def test_login_is_required_everywhere(client: Client, url_name: str) -> None:
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_login_succeeds_and_is_audited(client: Client, alice) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": PANEL_PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(alice.pk)
    [entry] = audit("auth.login")
    assert entry.outcome == "succeeded"
    assert entry.actor_id == alice.pk
    assert entry.target_id == str(alice.pk)
    assert entry.source_ip == "127.0.0.1"


def test_login_follows_a_local_next_only(client: Client, alice) -> None:
    data = {"username": "alice", "password": PANEL_PASSWORD, "next": "/bigv/"}
    assert client.post(reverse("login"), data)["Location"] == "/bigv/"
    client.logout()
    data["next"] = "https://evil.example/steal"
    assert client.post(reverse("login"), data)["Location"] != data["next"]


def test_failed_login_shows_an_error_and_audits_the_username_only(client: Client, alice) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": WRONG_PASSWORD})
    assert response.status_code == 200
    body = response.content.decode()
    assert "correct username and password" in body
    assert WRONG_PASSWORD not in body
    assert "_auth_user_id" not in client.session
    [entry] = audit("auth.login_failed")
    assert entry.outcome == "refused"
    assert entry.params == {"username": "alice"}
    assert entry.actor_id is None
    assert WRONG_PASSWORD not in database_text()


def test_repeated_failures_lock_the_username_out(client: Client, alice) -> None:
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": WRONG_PASSWORD})
    # Even the right password is refused now, without being checked.
    response = client.post(reverse("login"), {"username": "alice", "password": PANEL_PASSWORD})
    assert response.status_code == 200
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failed = audit("auth.login_failed")
    assert [e.outcome for e in failed] == ["refused"] * 5 + ["denied"]
    assert failed[-1].params == {"username": "alice", "locked_out": True}
    [locked] = audit("auth.locked_out")
    assert locked.outcome == "denied"
    assert locked.params["username"] == "alice" and locked.params["failures"] == 5
    assert locked.source_ip == "127.0.0.1"


def test_logout_is_post_only_and_audited(alice_client: Client, alice) -> None:
    assert alice_client.get(reverse("logout")).status_code == 405
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in alice_client.session
    [entry] = audit("auth.logout")
    assert entry.actor_id == alice.pk and entry.outcome == "succeeded"
    # Logged out means logged out: the next page asks for a login again.
    assert alice_client.get(reverse("password_change")).status_code == 302


def test_password_change_keeps_the_session_and_is_audited(alice_client: Client, alice) -> None:
    new_password = "a-much-better-pw-4471"
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": PANEL_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    follow = alice_client.get(response["Location"])
    assert follow.status_code == 200  # still logged in (session hash updated)
    assert "password has been changed" in follow.content.decode()
    assert get_user_model().objects.get(pk=alice.pk).check_password(new_password)
    [entry] = audit("auth.password_change")
    assert entry.outcome == "succeeded" and entry.actor_id == alice.pk
    text = database_text()
    assert new_password not in text and PANEL_PASSWORD not in text


def test_password_change_with_a_wrong_old_password_is_refused(alice_client: Client) -> None:
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": WRONG_PASSWORD,
            "new_password1": "whatever-new-pw-1234",
            "new_password2": "whatever-new-pw-1234",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert 'id="id_old_password_error"' in body
    assert WRONG_PASSWORD not in body
    [entry] = audit("auth.password_change")
    assert entry.outcome == "refused"
    assert entry.params == {"errors": ["password_incorrect"]}
