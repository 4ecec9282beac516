"""Panel users whose own BigV credentials are connected, against the real simulator."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # The definitions cache and login throttling live in the per-process cache.
    cache.clear()


def _connected(username: str, api_key: str) -> tuple[Any, Client]:
    user = get_user_model().objects.create_user(username=username, password="pw-9f3k-vms")
    credentials_connect_api_key(actor=Actor.system(), user=user, api_key=api_key)
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def demo_user(db: Any, sim: Any) -> Any:
    """Panel user ``olivia``, connected as BigV ``demo`` (account_admin on demo)."""
    user, _ = _connected("olivia", "apikey.demo-key")
    return user


@pytest.fixture
def demo_client(demo_user: Any) -> Client:
    client = Client()
    client.force_login(demo_user)
    return client


@pytest.fixture
def viewer_client(db: Any, sim: Any) -> Client:
    """Panel user ``victor``, connected as BigV ``viewer``: sees only web1, may not write."""
    return _connected("victor", "apikey.viewer-key")[1]
