"""A real Celery worker process for the operation tests: start, kill -9, restart.

The worker is ``python -m celery -A panel worker --pool prefork`` with embedded beat (the
reconciler), on a queue of its own, pointed at the test database file, the test's Redis and
the session's simulator, with the test process's secrets — exactly what `make run` runs,
with short timings.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[2]

# Short timings so the suite stays fast (the simulator runs at speed 50).
TEST_TIMINGS = {
    "PANEL_OPERATIONS_LEASE_SECONDS": "5",
    "PANEL_OPERATIONS_RECONCILE_SECONDS": "0.5",
    "PANEL_OPERATIONS_POLL_SECONDS": "0.1",
    "PANEL_OPERATIONS_POWER_OFF_WAIT_SECONDS": "3",
    "PANEL_OPERATIONS_BOOT_WAIT_SECONDS": "3",
    "PANEL_OPERATIONS_PROVISION_WAIT_SECONDS": "3",
    "PANEL_OPERATIONS_STEP_RETRIES": "1",
    "PANEL_OPERATIONS_RETRY_SECONDS": "0.1",
    # A failing step gives up after its retries: the failure tests stay quick. (The drills
    # ride out a real outage: tests/drills.)
    "PANEL_OPERATIONS_OUTAGE_SECONDS": "0",
    # Live pages re-read every second: "workers may be down" shows soon after a lease.
    "PANEL_LIVE_HEARTBEAT_SECONDS": "1",
    "PANEL_OPERATIONS_COMPENSATION_GRACE_SECONDS": "0.5",
    # An API call that hangs fails in about a second (no read-timeout retry fits).
    "BIGV_READ_TIMEOUT": "1",
    "BIGV_DEADLINE": "1.5",
    # Notifications retry a receiver that is down after 0.3 s, 0.6 s, … (tests/notifications).
    "PANEL_NOTIFY_RETRY_SECONDS": "0.3",
}


class Worker:
    def __init__(self, *, env: dict[str, str], queue: str, workdir: Path, concurrency: int = 2):
        self.env = env
        self.queue = queue
        self.workdir = workdir
        self.concurrency = concurrency
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.log_path = workdir / "worker.log"

    def command(self) -> list[str]:
        schedule = self.workdir / f"beat-{self.starts}"
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "panel",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(self.concurrency),
            "-Q",
            self.queue,
            "-n",
            f"{self.queue}-{self.starts}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
            "-B",
            "-s",
            str(schedule),
        ]

    def start(self) -> None:
        # Never two at once: a second worker on the queue (and its beat) would take over what
        # a test means to leave without one.
        if self.running:
            self.kill_all()
        self.starts += 1
        with self.log_path.open("ab") as log:
            # A session of its own, so kill_all reaches the pool children and beat too.
            self.proc = subprocess.Popen(
                self.command(),
                env=self.env,
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_running(self) -> None:
        if not self.running:
            self.start()

    def kill_all(self) -> None:
        """kill -9 of the whole worker: main process, pool children and beat."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if not self.running:
            return
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill_all()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def kill_pid(pid: int) -> None:
    """kill -9 of one process (the pool child that holds an operation's lease)."""
    os.kill(pid, signal.SIGKILL)


def worker_env(**overrides: Any) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TEST_TIMINGS)
    env.update({k: str(v) for k, v in overrides.items()})
    env["DJANGO_SETTINGS_MODULE"] = "panel.settings"
    env.pop("PYTEST_XDIST_WORKER", None)
    return env
