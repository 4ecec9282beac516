"""A worker keeps its database connection from one task to the next, as the web process keeps
its own from one page to the next.

Celery's Django fixup closes every database connection before and after each task (Celery
went back to that after trying ``CONN_MAX_AGE``: celery/celery#9824), or, with
``CELERY_DB_REUSE_MAX`` set, after that many tasks whatever their state. Every poll of a
waiting operation is a task, so a change of a running VM opened and closed a connection five
times: 0.5 ms each on SQLite and 3.7 ms on PostgreSQL, where each is also a server process
forked (measured here; ``make bench`` puts the workers' CPU per operation beside each batch).

Here a task is treated as Django treats a request: it starts and ends with
``close_old_connections()``, which closes a connection that failed or is older than
``WORKER_DATABASE_CONN_MAX_AGE`` and keeps a healthy one — checked before its first use in
the task (``CONN_HEALTH_CHECKS``), so a database restarted in between costs one reconnect,
not a failed task. ``CELERY_DB_REUSE_MAX`` (settings) stops the fixup's own closing; it still
recycles a connection after that many tasks.
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.conf import settings
from django.db import close_old_connections, connections


def keep_between_tasks(**kwargs: Any) -> None:
    """At the worker's start (``worker_init``), before any pool process forks: how long a
    connection may serve, for every database (read by Django when it connects)."""
    for alias in settings.DATABASES:
        connections[alias].settings_dict["CONN_MAX_AGE"] = settings.WORKER_DATABASE_CONN_MAX_AGE


def around_task(task: Task | None = None, **kwargs: Any) -> None:
    """Before and after each task (``task_prerun``, ``task_postrun``)."""
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run inline by the caller, inside the caller's own connection and transaction
    close_old_connections()
