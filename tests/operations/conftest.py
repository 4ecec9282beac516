"""Fixtures for the operation engine: a real Celery worker, real Redis, the real simulator.

Celery/Redis tests are marked ``xdist_group("celery")`` (see ``pytestmark`` in each module):
they share one xdist worker, whose queue is unique to it, so parallel test processes and a
developer's `make run` never take each other's tasks.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key
from tests.operations.worker import TEST_TIMINGS, Worker, worker_env

QUEUE = f"panel-ops-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"

# The same timings in the test process (operation_start sets the first lease).
_SETTING_NAMES = {
    "PANEL_OPERATIONS_LEASE_SECONDS": "OPERATIONS_LEASE_SECONDS",
    "PANEL_OPERATIONS_POLL_SECONDS": "OPERATIONS_POLL_SECONDS",
    "PANEL_OPERATIONS_POWER_OFF_WAIT_SECONDS": "OPERATIONS_POWER_OFF_WAIT_SECONDS",
    "PANEL_OPERATIONS_BOOT_WAIT_SECONDS": "OPERATIONS_BOOT_WAIT_SECONDS",
    "PANEL_OPERATIONS_PROVISION_WAIT_SECONDS": "OPERATIONS_PROVISION_WAIT_SECONDS",
    "PANEL_OPERATIONS_COMPENSATION_GRACE_SECONDS": "OPERATIONS_COMPENSATION_GRACE_SECONDS",
}


@pytest.fixture(scope="session", autouse=True)
def _operations_timings() -> Iterator[None]:
    saved = {name: getattr(django_settings, name) for name in _SETTING_NAMES.values()}
    for env_name, name in _SETTING_NAMES.items():
        setattr(django_settings, name, float(TEST_TIMINGS[env_name]))
    yield
    for name, value in saved.items():
        setattr(django_settings, name, value)


@pytest.fixture(scope="session")
def celery_queue(redis_url: str) -> Iterator[str]:
    """Point this process's Celery app at the test Redis and the session's own queue."""
    from panel.celery import app

    app.conf.broker_url = redis_url
    app.conf.task_default_queue = QUEUE
    yield QUEUE
    # Best effort: the queue is unique to this session anyway.
    with contextlib.suppress(Exception), app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)


@pytest.fixture(scope="session")
def _session_worker(
    django_db_setup: Any,
    django_db_blocker: Any,
    celery_queue: str,
    redis_url: str,
    simulator: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Worker]:
    database = django_settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{database['NAME']}"
    else:
        url = (
            f"postgresql://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    env = worker_env(
        DATABASE_URL=url,
        DATABASE_CONN_MAX_AGE="0",
        REDIS_URL=redis_url,
        BIGV_API_URL=simulator.api_url,
        BIGV_AUTH_URL=simulator.auth_url,
        PANEL_CELERY_QUEUE=celery_queue,
    )
    worker = Worker(env=env, queue=celery_queue, workdir=tmp_path_factory.mktemp("worker"))
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker(_session_worker: Worker, transactional_db: Any, sim: Any) -> Worker:
    """The running worker (restarted if a kill test left it dead). Rows are committed
    (``transactional_db``) so the worker process sees them."""
    _session_worker.ensure_running()
    return _session_worker


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
