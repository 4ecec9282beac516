"""manage.py seed_demo: demo panel users, connected to the embedded simulator."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from panel.credentials.models import BigVCredential
from tests.credentials.helpers import closed_port_url

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_connected_users_idempotently(sim) -> None:
    output = _seed()
    assert "alice / alice-panel-pw" in output and "bob / bob-panel-pw" in output
    users = get_user_model().objects
    alice, bob = users.get(username="alice"), users.get(username="bob")
    assert alice.is_superuser and alice.is_staff and alice.check_password("alice-panel-pw")
    assert not bob.is_superuser and bob.check_password("bob-panel-pw")
    credentials = {c.user.username: c for c in BigVCredential.objects.select_related("user")}
    assert credentials["alice"].bigv_username == "demo"
    assert credentials["bob"].bigv_username == "viewer"
    assert {c.status for c in credentials.values()} == {"active"}

    assert credentials["carol"].bigv_username == "webadmin"
    assert users.get(username="dan").groups.filter(name="auditor").exists()

    again = _seed()
    assert "already connected" in again
    assert users.filter(username__in=["alice", "bob", "carol", "dan"]).count() == 4
    assert BigVCredential.objects.count() == 4


def test_seed_demo_without_connecting(sim) -> None:
    output = _seed("--no-connect")
    assert "skipped" in output
    assert get_user_model().objects.filter(username__in=["alice", "bob"]).count() == 2
    assert not BigVCredential.objects.exists()


def test_seed_demo_when_the_simulator_is_down(settings) -> None:
    settings.BIGV_API_URL = closed_port_url()
    settings.BIGV_DEADLINE = 2.0
    output = _seed()
    assert "not reachable" in output and "skipped" in output
    assert get_user_model().objects.filter(username="alice").exists()
    assert not BigVCredential.objects.exists()


@pytest.mark.parametrize("url", ["https://uk0.bigv.io", "http://10.0.0.5:8765"])
def test_seed_demo_refuses_a_real_bigv(settings, url: str) -> None:
    settings.BIGV_API_URL = url
    with pytest.raises(CommandError, match="only runs against the embedded simulator"):
        _seed()
    assert not get_user_model().objects.filter(username="alice").exists()
