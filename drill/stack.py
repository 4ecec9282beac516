"""The stack under drill: ``manage.py runstack`` — what ``make run`` runs, supervisor and all —
pointed at the drill's own Redis (and PostgreSQL), with short timings so that a drill takes a
minute or two rather than the quarter of an hour the production timings would."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drill.services import PgCluster, RedisServer
from panel.runtime.embedded_redis import free_port
from panel.runtime.stack import READY_HEADLINE, wait_for_http

BASE_DIR = Path(__file__).resolve().parent.parent
SIM_SPEED = 4.0

# Leases, waits and retries short enough for a drill, in the proportions of the defaults.
TIMINGS = {
    "PANEL_OPERATIONS_LEASE_SECONDS": "10",
    "PANEL_OPERATIONS_RECONCILE_SECONDS": "2",
    "PANEL_OPERATIONS_POLL_SECONDS": "0.5",
    "PANEL_OPERATIONS_RETRY_SECONDS": "1",
    "PANEL_OPERATIONS_OUTAGE_SECONDS": "150",
    "PANEL_OPERATIONS_POWER_OFF_WAIT_SECONDS": "30",
    "PANEL_OPERATIONS_BOOT_WAIT_SECONDS": "60",
    "PANEL_OPERATIONS_COMPENSATION_GRACE_SECONDS": "2",
    "PANEL_AUDIT_INTENT_GRACE_SECONDS": "15",
    "PANEL_AUDIT_SEAL_SECONDS": "5",
    "BIGV_READ_TIMEOUT": "5",
    "BIGV_DEADLINE": "8",
}


def _kill_leftovers(root: Path) -> None:
    """Whatever of this stack outlived its supervisor (a child stuck past the grace, or one
    in a session of its own): every process whose command line or environment names the
    drill's directory — its simulator, beat, worker — but not this one."""
    mark = str(root).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            seen = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
        except OSError:
            continue
        if mark in seen:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(int(entry.name), signal.SIGKILL)


@dataclass
class DrillStack:
    database: str  # "sqlite" or "postgresql"
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="panel-drill-")))
    redis: RedisServer | None = None
    postgres: PgCluster | None = None
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)
    web_port: int = 0
    sim_port: int = 0

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def control_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}/_sim"

    @property
    def log(self) -> Path:
        return self.root / "runstack.log"

    def __enter__(self) -> DrillStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        var = self.root / "var"
        var.mkdir(parents=True, exist_ok=True)
        self.redis = RedisServer(self.root / "redis")
        self.redis.start()
        database = f"sqlite:///{var / 'panel.sqlite3'}"
        if self.database == "postgresql":
            self.postgres = PgCluster(self.root / "postgres")
            self.postgres.start()
            database = self.postgres.url
        self.web_port, self.sim_port = free_port(), free_port()
        sim = f"http://127.0.0.1:{self.sim_port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PANEL_", "DJANGO_"))},
            **TIMINGS,
            "DJANGO_SETTINGS_MODULE": "panel.settings",
            "PANEL_VAR_DIR": str(var),
            "DATABASE_URL": database,
            "REDIS_URL": self.redis.url,
            "PANEL_CELERY_QUEUE": f"panel-drill-{uuid.uuid4().hex[:10]}",
            "BIGV_API_URL": sim,
            "BIGV_AUTH_URL": f"{sim}/auth",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own argv)
                [
                    sys.executable,
                    "manage.py",
                    "runstack",
                    "--port",
                    str(self.web_port),
                    "--sim-port",
                    str(self.sim_port),
                    "--sim-speed",
                    str(SIM_SPEED),
                ],
                env=self.env,
                cwd=BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_http(f"{self.web_url}/login/", timeout=120, process=self.process)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 120) -> None:
        """runstack prints its closing block once worker and beat are up (a drill that
        started before would take Redis away from runstack's own start-up checks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY_HEADLINE in self.log.read_text(errors="replace"):
                return
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"runstack exited; see {self.log}")
            time.sleep(0.5)
        raise RuntimeError(f"the stack was not ready within {timeout:.0f} s; see {self.log}")

    def health(self) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(f"{self.web_url}/healthz", timeout=10) as response:  # noqa: S310
                return dict(json.load(response))
        except urllib.error.HTTPError as error:
            return dict(json.load(error))
        except OSError as error:
            return {"status": "down", "error": str(error)}

    def up(self) -> bool:
        """The stack as a person sees it: runstack running, every process it runs alive,
        and /healthz answering ok."""
        if self.process is None or self.process.poll() is not None:
            return False
        health = self.health()
        processes = health.get("processes", {})
        return health.get("status") == "ok" and all(p.get("running") for p in processes.values())

    def restart_counts(self) -> dict[str, int]:
        """How often the supervisor has started each process again, so far."""
        processes = self.health().get("processes", {})
        return {name: int(p.get("restarts") or 0) for name, p in processes.items()}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        _kill_leftovers(self.root)
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()
