"""Audit test fixtures: a private checkpoint file per test, an actor, a DBA's raw SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from panel.core.actor import Actor
from tests.audit.helpers import ROW_TRIGGER, TABLE


@pytest.fixture(autouse=True)
def checkpoint_file(settings: Any, tmp_path: Path) -> Path:
    # The checkpoint outlives a test's rolled-back rows: every test needs its own file, or a
    # later test would see an earlier test's head as "deleted".
    path = tmp_path / "checkpoint" / "audit-head.log"
    settings.PANEL_AUDIT_CHECKPOINT = path
    return path


@pytest.fixture
def actor() -> Actor:
    return Actor(user_id=None, username="alice", ip="192.0.2.10", request_id="req-0123456789ab")


@pytest.fixture
def dba(db: None) -> Callable[..., Any]:
    """Run raw SQL as a database administrator would: on PostgreSQL, drop the trigger first.

    The DROP happens inside the test's transaction, so it is rolled back with everything else.
    """
    dropped = False

    def run(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
        nonlocal dropped
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not dropped:
                cursor.execute(f"DROP TRIGGER {ROW_TRIGGER} ON {TABLE}")
                dropped = True
            cursor.execute(sql, params)
            return cursor.rowcount

    return run


@pytest.fixture
def audit_table_cleanup(transactional_db: None) -> Iterator[None]:
    """After a transactional test on PostgreSQL, empty the audit table past its triggers.

    Django flushes with one TRUNCATE of every table, which the trigger allows only on an empty
    audit table; without this the flush (and every later test) would fail.
    """
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608  (constant table name)
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
