"""A team with different rights, each connected with their own BigV credential (simulator).

- alice: operator, BigV ``demo`` (account_admin on demo)
- bob: operator, BigV ``viewer`` (vm_console on web1 only)
- wes: operator, BigV ``webadmin`` (group_admin on demo/web)
- audrey: auditor (sees every operation and audit entry, changes nothing), BigV ``demo``
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def person(username: str, api_key: str | None, *, role: str = "operator") -> Any:
    user = get_user_model().objects.create_user(username=username, password="pw-9f3k-access")
    if role != "operator":
        user.groups.set([Group.objects.get(name=role)])
    if api_key:
        credentials_connect_api_key(actor=Actor.system(), user=user, api_key=api_key)
    return user


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(transactional_db: Any, sim: Any) -> Any:
    return person("alice", "apikey.demo-key")


@pytest.fixture
def bob(transactional_db: Any, sim: Any) -> Any:
    return person("bob", "apikey.viewer-key")


@pytest.fixture
def wes(transactional_db: Any, sim: Any) -> Any:
    return person("wes", "apikey.webadmin-key")


@pytest.fixture
def audrey(transactional_db: Any, sim: Any) -> Any:
    return person("audrey", "apikey.demo-key", role="auditor")
