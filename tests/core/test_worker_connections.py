"""A worker keeps its database connection between tasks (panel/core/worker_connections.py),
and what it relies on in Celery's Django fixup."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from panel.celery import app
from panel.core.worker_connections import around_task, keep_between_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def _task(*, eager: bool = False) -> Any:
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


@pytest.fixture
def kept(settings: Any) -> Iterator[None]:
    """The worker's start, as ``worker_init`` runs it; the connection's own settings put back."""
    saved = connection.settings_dict["CONN_MAX_AGE"]
    settings.WORKER_DATABASE_CONN_MAX_AGE = 60
    keep_between_tasks()
    connection.close()  # the next connection is made with the worker's age
    yield
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = saved


def _connected() -> Any:
    connection.ensure_connection()
    return connection.connection


def test_a_healthy_connection_serves_the_next_task(kept: None) -> None:
    first = _connected()
    around_task(task=_task())  # the task ends
    around_task(task=_task())  # the next one starts
    assert connection.connection is first


def test_a_connection_past_its_age_is_closed_when_a_task_ends(kept: None) -> None:
    first = _connected()
    connection.close_at = time.monotonic() - 1  # as if connected more than a minute ago
    around_task(task=_task())
    assert connection.connection is None
    assert _connected() is not first


def test_a_connection_that_failed_and_no_longer_answers_is_replaced(
    kept: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _connected()
    connection.errors_occurred = True
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    around_task(task=_task())
    assert connection.connection is None


def test_a_task_run_inline_leaves_its_callers_connection_alone(kept: None) -> None:
    first = _connected()
    connection.close_at = time.monotonic() - 1
    around_task(task=_task(eager=True))
    assert connection.connection is first


def test_celerys_fixup_closes_nothing_between_tasks_while_its_reuse_count_lasts(
    kept: None, settings: Any
) -> None:
    # Pins celery.fixups.django: without CELERY_DB_REUSE_MAX it closes every connection
    # around every task, whatever CONN_MAX_AGE says; with it, only after that many tasks.
    assert settings.CELERY_DB_REUSE_MAX >= 100
    fixup = DjangoWorkerFixup(app)
    assert fixup.db_reuse_max == settings.CELERY_DB_REUSE_MAX
    first = _connected()
    for _ in range(10):
        fixup.on_task_prerun(_task())
        fixup.on_task_postrun(_task())
    assert connection.connection is first
    fixup.db_reuse_max = None
    fixup.on_task_postrun(_task())
    assert connection.connection is None
