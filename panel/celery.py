"""The Celery application; configuration comes from Django settings (``CELERY_*``)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import (
    beat_init,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_init,
    worker_ready,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")

app = Celery("panel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_unsafe_bigv_urls(**kwargs: Any) -> None:
    # Workers call BigV with users' tokens; they run no Django system checks of their own.
    import django

    django.setup()
    from panel.core.checks import enforce_at_startup

    enforce_at_startup()


@worker_init.connect
def _keep_database_connections(**kwargs: Any) -> None:
    # A poll is a task: not a new database connection each (panel/core/worker_connections.py).
    from panel.core.worker_connections import around_task, keep_between_tasks

    keep_between_tasks()
    task_prerun.connect(around_task, weak=False)
    task_postrun.connect(around_task, weak=False)


@worker_init.connect
def _end_a_wedged_shutdown(**kwargs: Any) -> None:
    # A worker whose main loop died must not linger half shut down (panel/core/worker_exit.py).
    from panel.core.worker_exit import install

    install()


@worker_process_init.connect
def _settle_heap(**kwargs: Any) -> None:
    # The pool process runs the operations for hours: its startup objects need no scanning.
    from panel.core.heap import settle

    settle()


@worker_ready.connect
def _resume_at_once(**kwargs: Any) -> None:
    # A worker that starts (again) looks for operations a dead one left behind right away,
    # instead of at the reconciler's next beat: after a restart, the pages stop saying
    # "workers may be down" within a second or two.
    app.send_task("panel.operations.reconcile_operations", ignore_result=True)
