"""Fixtures shared by tests/team, tests/credentials and tests/core (imported by their conftest)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.credentials.helpers import PANEL_PASSWORD, make_user


@pytest.fixture(autouse=True)
def _clear_cache(settings: Any) -> None:
    # Login throttling and the definitions cache live in the (per-process) cache.
    cache.clear()
    # Password hashing is not under test here; the default hasher costs ~0.5 s per login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db: Any) -> Any:
    return make_user("alice")


@pytest.fixture
def bob(db: Any) -> Any:
    return make_user("bob")


@pytest.fixture
def alice_client(alice: Any) -> Client:
    client = Client()
    assert client.login(username="alice", password=PANEL_PASSWORD)
    return client


@pytest.fixture
def bob_client(bob: Any) -> Client:
    client = Client()
    assert client.login(username="bob", password=PANEL_PASSWORD)
    return client
