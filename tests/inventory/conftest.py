"""Panel users whose own BigV credentials are connected, against the real simulator."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_password
from tests.credentials.fixtures import _clear_cache  # noqa: F401  (autouse fixture)
from tests.inventory.helpers import connected_client as _client_for
from tests.inventory.helpers import make_user


@pytest.fixture
def demo_client(db: Any, sim: Any) -> Client:
    """A panel user connected as BigV user ``demo`` (account_admin on account demo)."""
    return _client_for("dana", "apikey.demo-key")


@pytest.fixture
def viewer_client(db: Any, sim: Any) -> Client:
    """BigV ``viewer``: sees only VM web1 (demo/web) and may not write."""
    return _client_for("vera", "apikey.viewer-key")


@pytest.fixture
def webadmin_client(db: Any, sim: Any) -> Client:
    """BigV ``webadmin``: group_admin on demo/web (VMs in it, not the group itself)."""
    return _client_for("wendy", "apikey.webadmin-key")


@pytest.fixture
def outsider_client(db: Any, sim: Any) -> Client:
    """BigV ``otheruser``: account_admin on account ``other``, nothing in ``demo``."""
    user = make_user("otto")
    credentials_connect_password(
        actor=Actor.system(), user=user, username="otheruser", password="other-password"
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def unconnected_client(db: Any, sim: Any) -> Client:
    return _client_for("nora", None)
