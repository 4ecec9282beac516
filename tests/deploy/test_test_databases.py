"""Parallel test runs: every pytest-xdist worker has a test database of its own (pytest-django
adds the worker's id to the name), on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_this_worker_has_its_own_test_database() -> None:
    name = str(connection.settings_dict["NAME"])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if connection.vendor == "postgresql":
        assert name.startswith("test_")
    if worker is None:
        pytest.skip("not running under pytest-xdist (-n)")
    assert worker in name, f"{name} is shared by every worker"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
