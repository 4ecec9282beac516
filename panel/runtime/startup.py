"""What ``make run`` decides and says around starting its processes (``manage.py runstack``).

Kept apart from the process supervisor (``stack.py``): which BigV the stack talks to, the
queue and log levels its children share, waiting until the worker answers, and the one block
of text printed once everything is up — so that the URL and the logins are the last thing on
the screen, not lost among the children's start-up lines.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from celery import Celery
from django.contrib.auth import get_user_model
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from panel.runtime.management.commands.seed_demo import DemoUser, is_loopback_url
from panel.runtime.stack import READY_HEADLINE

# Routine INFO lines that would scroll the block off the screen within a minute: beat's
# ticks, the worker's every received/succeeded task, the audit head after each entry.
# Warnings and errors still show; PANEL_LOG_LEVELS given by the person wins.
QUIET_LOGGERS = (
    "celery.worker.strategy=WARNING,celery.app.trace=WARNING,celery.beat=WARNING,"
    "panel.audit.checkpoint=WARNING"
)


def uses_simulator(api_url: str) -> bool:
    """A loopback BigV is the embedded simulator; anything else is a real service, for which
    no simulator is started and no demo user (with its published password) is made."""
    return is_loopback_url(api_url)


def celery_queue_for(var_dir: Path) -> str:
    """The Celery queue of the stack whose data lives in ``var_dir``.

    Two stacks on one machine share its Redis; with one queue, either worker would take the
    other's tasks and look for operations in the wrong database. A stack is its database,
    so the queue is named after where that lives.
    """
    digest = hashlib.sha256(str(var_dir.resolve()).encode()).hexdigest()[:10]
    return f"panel-{digest}"


def worker_node(port: int) -> str:
    """The worker's node name, so that the readiness ping asks this stack's worker only."""
    return f"runstack-{port}@{socket.gethostname()}"


def wait_for_worker(
    broker_url: str,
    node: str,
    *,
    process: subprocess.Popen[bytes] | None = None,
    timeout: float = 60.0,
) -> None:
    """Block until the worker ``node`` answers a ping over the broker (it is consuming).

    A broker that drops the connection meanwhile (Redis restarting, which the supervisor
    does) is asked again until the deadline, as the worker itself reconnects."""
    app = Celery("runstack-ping", broker=broker_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the worker exited with {process.returncode}")
            try:
                if app.control.ping(destination=[node], timeout=1.0):
                    return
            except (RedisError, OperationalError, OSError):
                time.sleep(0.5)
        raise RuntimeError(f"the worker did not answer within {timeout:.0f} s")
    finally:
        app.close()


def wait_for_beat(
    heartbeat: Path,
    since: float,
    *,
    process: subprocess.Popen[bytes] | None = None,
    timeout: float = 30.0,
) -> None:
    """Block until beat has ticked: its scheduler touches ``heartbeat`` on every tick
    (``panel.runtime.beat``), the first one as soon as it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"beat exited with {process.returncode}")
        try:
            if heartbeat.stat().st_mtime >= since - 1:
                return
        except FileNotFoundError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"beat did not start within {timeout:.0f} s")


def people_exist() -> bool:
    """Whether anyone can log in yet (with a real BigV no demo user is made)."""
    return get_user_model().objects.exists()


@dataclass(frozen=True)
class Ready:
    """What the closing block says."""

    url: str
    api_url: str
    auth_url: str
    simulator_url: str = ""  # "" when a real BigV is used
    demo_users: Iterable[DemoUser] = ()
    has_people: bool = True  # False: nobody can log in yet


def ready_block(ready: Ready) -> str:
    rule = "─" * 72
    lines = [rule, f"{READY_HEADLINE} {ready.url}", ""]
    if ready.simulator_url:
        lines += [
            f"BigV: the bundled simulator at {ready.simulator_url} "
            "(auth at /auth, control at /_sim)",
            "Panel logins:",
            *(f"  {u.username} / {u.password}  — {u.about}" for u in ready.demo_users),
            "BigV users for the connection page: demo / demo-password (API key "
            "apikey.demo-key), viewer / viewer-password, secure / secure-password "
            "(2FA code 123456)",
        ]
    else:
        lines += [
            f"BigV: {ready.api_url} (auth {ready.auth_url}) — the real service:",
            "no simulator and no demo users. Each person connects their own BigV",
            f'credentials on the "BigV connection" page. Is BigV answering? {ready.url}healthz',
        ]
        if not ready.has_people:
            lines.append(
                "No panel user yet: create the first with "
                "`.venv/bin/python manage.py createsuperuser` (same environment)."
            )
    lines += ["", "Press Ctrl-C to stop.", rule]
    return "\n".join(lines)
