"""The Celery worker fixtures, shared by every test directory that needs a real worker.

They are imported once, by tests/conftest.py, so the whole session has exactly one worker
(and one beat) per test process. Two definitions — one per importing directory — would start
two workers, and the second one's reconciler would resume the first one's operations.
Celery/Redis tests are marked ``xdist_group("celery")``: they share one xdist worker, whose
queue is unique to it, so parallel test processes and a developer's `make run` never take
each other's tasks.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings

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
def worker(_session_worker: Worker, transactional_db: Any, sim: Any) -> Iterator[Worker]:
    """The running worker (restarted if a kill test left it dead). Rows are committed
    (``transactional_db``) so the worker process sees them.

    Afterwards, any operation the test left active is fenced off (its epoch bumped, so the
    worker's compare-and-swap fails before the next write) and the simulator is given a
    moment to go quiet: a step still in flight must not land in the next test's fresh world.
    """
    _session_worker.ensure_running()
    yield _session_worker
    from django.db.models import F

    from panel.operations.models import Operation
    from panel.operations.status import OperationStatus

    fenced = Operation.objects.filter(status__in=OperationStatus.ACTIVE).update(
        epoch=F("epoch") + 1, status="cancelled"
    )
    if fenced:
        _wait_until_quiet(sim)


def _wait_until_quiet(sim: Any, *, quiet: float = 0.5, limit: float = 10.0) -> None:
    """Wait until the simulator has seen no request for ``quiet`` seconds (or ``limit``)."""
    import json
    import time
    import urllib.request

    def last_seq() -> int:
        with urllib.request.urlopen(f"{sim.control_url}/requests?since=0") as response:
            return int(json.load(response)["last_seq"])

    deadline = time.monotonic() + limit
    seen, since = last_seq(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.1)
        now = last_seq()
        if now != seen:
            seen, since = now, time.monotonic()
