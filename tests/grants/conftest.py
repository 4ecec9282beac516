"""A team on the simulator's demo world, each connected with their own BigV credential:

- alice: operator, BigV ``demo`` through its API key (account_admin on demo)
- bob: operator, BigV ``viewer`` through a username and password: a *session*, so privileges
  granted to viewer are his at once (an API key would use only its own, docs/bigv-api.md §3.5)
- carol: operator, BigV ``webadmin`` through its API key (group_admin on demo/web)
- audrey: auditor, BigV ``demo`` (sees everything, changes nothing)
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from panel.audit.models import AuditEntry
from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_password
from tests.access.conftest import browser, person

__all__ = ["browser", "entries", "person", "privileges_of"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def alice(transactional_db: Any, sim: Any) -> Any:
    return person("alice", "apikey.demo-key")


@pytest.fixture
def bob(transactional_db: Any, sim: Any) -> Any:
    user = person("bob", None)
    credentials_connect_password(
        actor=Actor.system(), user=user, username="viewer", password="viewer-password"
    )
    return user


@pytest.fixture
def carol(transactional_db: Any, sim: Any) -> Any:
    return person("carol", "apikey.webadmin-key")


@pytest.fixture
def audrey(transactional_db: Any, sim: Any) -> Any:
    return person("audrey", "apikey.demo-key", role="auditor")


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def privileges_of(sim: Any, username: str) -> list[tuple[Any, ...]]:
    """(level, VM id, YubiKey required, API key id) of a BigV user, read from the simulator."""
    world = sim.world
    with world.lock:
        user = world.user_named(username)
        return [
            (p.level, p.virtual_machine_id, p.yubikey_required, p.api_key_id)
            for p in world.privileges.values()
            if p.user_id == user.id
        ]
