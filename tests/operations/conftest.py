"""Fixtures for the operation engine tests: connected panel users.

The real Celery worker fixtures (``worker``, ``celery_queue``) live in tests/celery_worker.py
and are registered once for the whole suite by tests/conftest.py.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def connected_user(username: str, api_key: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password="pw-ops-9f3k")
    credentials_connect_api_key(actor=Actor.system(), user=user, api_key=api_key)
    return user


@pytest.fixture
def alice(transactional_db: Any, sim: Any) -> Any:
    """Panel user alice, connected as BigV ``demo`` (account_admin on demo)."""
    return connected_user("alice", "apikey.demo-key")


@pytest.fixture
def bob(transactional_db: Any, sim: Any) -> Any:
    """Panel user bob, connected as BigV ``webadmin`` (group_admin on demo/web)."""
    return connected_user("bob", "apikey.webadmin-key")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How the kill -9 trials ended (in this process; under xdist see each test's result)."""
    module = sys.modules.get("tests.operations.test_kill")
    tally = getattr(module, "TALLY", None)
    if tally:
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(tally.items()))
        terminalreporter.write_line(f"kill -9 trials: {sum(tally.values())} ({summary})")
