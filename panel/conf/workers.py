"""Redis, Celery, the operations engine, audit sealing and the beat schedule."""

from __future__ import annotations

import os

from panel.conf.bigv import BIGV_DEADLINE

# --- Redis and Celery ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits stay well below the broker's visibility timeout so that a task is never
# redelivered while its first run may still be alive.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # A Redis that vanished without closing its connections (a killed server, a network
    # partition) is noticed: no socket operation waits forever, half-open connections are
    # checked and replaced (kombu's health checks), and a timeout is retried once.
    "socket_timeout": 10,
    "socket_connect_timeout": 3,
    "socket_keepalive": True,
    "health_check_interval": 10,
    "retry_on_timeout": True,
}
# Sending a task while Redis is down gives up after one quick retry (about a second): the
# page answers, the operation row is already saved, and the reconciler sends it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses Redis keeps trying to reconnect — forever, not 100 times — with Celery's
# growing back-off. (Where a Celery/kombu bug still kills it, it is started again: the
# supervisor of `make run`, compose's restart policy.)
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Workers log through LOGGING below (JSON lines, redaction) instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# On losing the broker, stop acks_late tasks: their messages go back to the queue, and the
# operation's lease/epoch (panel.operations) keeps a redelivered copy from doing any harm.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# A worker keeps its database connection between tasks for this long (a poll is a task), and
# Celery's Django fixup leaves the closing to panel/core/worker_connections.py but for a
# recycle after this many tasks.
WORKER_DATABASE_CONN_MAX_AGE = int(os.environ.get("PANEL_WORKER_DATABASE_CONN_MAX_AGE", "60"))
CELERY_DB_REUSE_MAX = 1000
# Tests give every session (and xdist worker) a queue of its own so that parallel runs and
# the developer's `make run` worker never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("PANEL_CELERY_QUEUE", "celery")

# Operations (panel.operations). Every wait is a re-enqueued task, never a sleep; a run's
# lease is renewed on each step write and must outlast one API call (BIGV_DEADLINE).
OPERATIONS_LEASE_SECONDS = float(os.environ.get("PANEL_OPERATIONS_LEASE_SECONDS", "90"))
OPERATIONS_RECONCILE_SECONDS = float(os.environ.get("PANEL_OPERATIONS_RECONCILE_SECONDS", "30"))
OPERATIONS_POLL_SECONDS = float(os.environ.get("PANEL_OPERATIONS_POLL_SECONDS", "2"))
OPERATIONS_POWER_OFF_WAIT_SECONDS = float(
    os.environ.get("PANEL_OPERATIONS_POWER_OFF_WAIT_SECONDS", "60")
)
OPERATIONS_BOOT_WAIT_SECONDS = float(os.environ.get("PANEL_OPERATIONS_BOOT_WAIT_SECONDS", "300"))
OPERATIONS_PROVISION_WAIT_SECONDS = float(
    os.environ.get("PANEL_OPERATIONS_PROVISION_WAIT_SECONDS", "1200")
)
OPERATIONS_STEP_RETRIES = int(os.environ.get("PANEL_OPERATIONS_STEP_RETRIES", "3"))
OPERATIONS_RETRY_SECONDS = float(os.environ.get("PANEL_OPERATIONS_RETRY_SECONDS", "5"))
# A step keeps trying through a BigV outage this long (and at least STEP_RETRIES times).
OPERATIONS_OUTAGE_SECONDS = float(os.environ.get("PANEL_OPERATIONS_OUTAGE_SECONDS", "300"))
# Written by `make run`'s supervisor (panel.runtime.supervisor); /healthz shows its processes.
PANEL_STACK_STATUS = os.environ.get("PANEL_STACK_STATUS", "")
# How often a live page's stream re-reads its rows even when nothing was announced (a lost
# message, an operation no worker looks after any more), and sends a keep-alive.
PANEL_LIVE_HEARTBEAT_SECONDS = float(os.environ.get("PANEL_LIVE_HEARTBEAT_SECONDS", "15"))
OPERATIONS_COMPENSATION_GRACE_SECONDS = float(
    os.environ.get("PANEL_OPERATIONS_COMPENSATION_GRACE_SECONDS", "60")
)
# Audit intents (panel.audit.intents): a write's audit entry is started before the BigV call
# and completed after it. One left without a result (its process died in between) shows as
# "outcome unknown" and is sealed into the chain as such once older than the grace period:
# well past the longest a call may take (BIGV_DEADLINE bounds one, retries included).
# Both can be shortened from the environment for drills and trials; the default grace is
# the safe one.
PANEL_AUDIT_INTENT_GRACE_SECONDS = float(
    os.environ.get("PANEL_AUDIT_INTENT_GRACE_SECONDS", max(300.0, 4 * BIGV_DEADLINE))
)
PANEL_AUDIT_SEAL_SECONDS = float(os.environ.get("PANEL_AUDIT_SEAL_SECONDS", "60"))
# Celery beat (started by `make run`): resume operations whose lease expired; seal audit
# intents left by a crash. In-memory schedule with a heartbeat file (see panel/core/beat.py).
CELERY_BEAT_SCHEDULER = "panel.runtime.beat:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "reconcile-operations": {
        "task": "panel.operations.reconcile_operations",
        "schedule": OPERATIONS_RECONCILE_SECONDS,
        # A tick that waited longer than one interval is superseded by the next one.
        "options": {"expires": OPERATIONS_RECONCILE_SECONDS},
    },
    "seal-audit-intents": {
        "task": "panel.audit.seal_intents",
        "schedule": PANEL_AUDIT_SEAL_SECONDS,
        "options": {"expires": PANEL_AUDIT_SEAL_SECONDS},
    },
    # Notifications whose task the broker lost, or whose worker died mid-send.
    "resend-notifications": {
        "task": "panel.notifications.resend",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
}
