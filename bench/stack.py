"""The benchmark's own stack: simulator, Redis, a fresh database (bench/database.py), uvicorn
and Celery workers, on free ports with a private var dir, all stopped at the end (even on
error).

Every child runs in a session of its own (its own process group), so stopping one stops its
children too (uvicorn's and Celery's pool processes).
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.database import BenchDatabase
from panel.runtime.embedded_redis import free_port, redis_reachable, start_embedded_redis
from panel.runtime.stack import wait_for_http, web_workers

BASE_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable
# A DB number of its own on a shared Redis (queue names are unique per run as well).
REDIS_DB = 13
PR_SET_PDEATHSIG = 1


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Stack:
    """Start with ``start()``; ``stop()`` always (``with Stack(...) as stack``)."""

    sim_speed: float = 4.0
    poll_seconds: float = 0.25
    keep: bool = False
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="panel-bench-")))
    procs: list[Proc] = field(default_factory=list)
    workers: list[Proc] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    sim_url: str = ""
    web_url: str = ""
    redis_url: str = ""
    queue: str = field(default_factory=lambda: f"panel-bench-{uuid.uuid4().hex[:10]}")
    scaling: bool = False  # scale_workers is starting or stopping workers
    # A PostgreSQL server to run on (a fresh database of its own); empty: a fresh SQLite file.
    postgres_server: str = ""

    def __post_init__(self) -> None:
        self.database = BenchDatabase(self.root / "var", self.postgres_server)

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- processes -----------------------------------------------------------------------

    def spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Proc:
        """Start ``args`` with the stack's environment (and ``env`` over it)."""
        log = self.root / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            popen = subprocess.Popen(  # noqa: S603 (our own argv)
                args,
                env={**self.env, **(env or {})},
                cwd=BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        return proc

    def run(self, args: list[str], *, input_text: str | None = None) -> str:
        """Run a helper to completion with the stack's environment; return its stdout."""
        done = subprocess.run(  # noqa: S603 (our own argv)
            args, env=self.env, cwd=BASE_DIR, input=input_text, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:4])} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def terminate(self, proc: Proc, timeout: float = 15) -> None:
        if proc.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.popen.wait(timeout=5)
        if proc in self.procs:
            self.procs.remove(proc)
        if proc in self.workers:
            self.workers.remove(proc)

    # --- the stack -----------------------------------------------------------------------

    def start(self) -> None:
        var = self.root / "var"
        var.mkdir(parents=True, exist_ok=True)
        self.database.create()
        redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
        if not redis_reachable(redis_url):
            popen, redis_url = start_embedded_redis(self.root / "redis")
            self.procs.append(Proc("redis", popen, self.root / "redis"))
        self.redis_url = redis_url
        sim_port, web_port = free_port(), free_port()
        self.sim_url = f"http://127.0.0.1:{sim_port}"
        self.web_url = f"http://127.0.0.1:{web_port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PANEL_", "DJANGO_"))},
            "DJANGO_SETTINGS_MODULE": "panel.settings",
            "PANEL_ENV": "development",
            "DJANGO_DEBUG": "0",  # production-like: no SQL recording, no debug pages
            "DJANGO_STATIC_ROOT": str(self.root / "static"),
            "PANEL_VAR_DIR": str(var),
            "DATABASE_URL": self.database.url,
            "REDIS_URL": redis_url,
            "PANEL_CELERY_QUEUE": self.queue,
            "BIGV_API_URL": self.sim_url,
            "BIGV_AUTH_URL": f"{self.sim_url}/auth",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "PANEL_AUDIT_KEY": secrets.token_urlsafe(48),
            "PANEL_CREDENTIAL_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "PANEL_OPERATIONS_POLL_SECONDS": str(self.poll_seconds),
            "PANEL_LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        sim = self.spawn(
            "simulator",
            [PY, "-m", "panel.simulator", "--port", str(sim_port), "--speed", str(self.sim_speed)],
        )
        self.run([PY, "manage.py", "migrate", "--no-input", "-v", "0"])
        self.run([PY, "manage.py", "collectstatic", "--no-input", "-v", "0"])
        wait_for_http(f"{self.sim_url}/definitions", timeout=30, process=sim.popen)
        web = self.spawn(
            "web",
            # As many processes as `make run` starts (panel.runtime.stack.web_workers).
            web_server_argv(web_port, web_workers()),
        )
        wait_for_http(f"{self.web_url}/login/", timeout=60, process=web.popen)

    @contextlib.contextmanager
    def floor_servers(self, token: str) -> Iterator[dict[str, str]]:
        """Two more web servers of one process each, for the pages series' floor
        (bench/floor_urls.py): ``"bare"`` without middleware, ``"panel"`` behind the panel's;
        both on this stack's database and secret key, so the bench user's session counts on
        ``"panel"``. Their URLs while the block runs; stopped after it, so that they weigh
        on no later series."""
        started: list[Proc] = []
        urls: dict[str, str] = {}
        try:
            for name, bare in (("bare", "1"), ("panel", "0")):
                port = free_port()
                env = {
                    "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
                    "BENCH_FLOOR_BARE": bare,
                    "BENCH_FLOOR_TOKEN": token,
                }
                proc = self.spawn(f"floor-{name}", web_server_argv(port, 1), env)
                started.append(proc)
                urls[name] = f"http://127.0.0.1:{port}"
                wait_for_http(f"{urls[name]}/bench-floor/empty/", timeout=60, process=proc.popen)
            yield urls
        finally:
            for proc in started:
                self.terminate(proc)

    def provision(self, spec: dict) -> dict:
        """Panel users connected with their BigV API keys (bench/provision.py)."""
        out = self.run([PY, "-m", "bench.provision"], input_text=json.dumps(spec))
        return dict(json.loads(out.strip().splitlines()[-1]))

    @property
    def web_pid(self) -> int:
        return next(p.pid for p in self.procs if p.name == "web")

    def scale_workers(self, count: int) -> None:
        """Run exactly ``count`` Celery worker processes (each with one pool process)."""
        self.scaling = True  # the memory sampler counts no workers while their number moves
        try:
            self._scale_workers(count)
        finally:
            self.scaling = False

    def _scale_workers(self, count: int) -> None:
        while len(self.workers) > count:
            self.terminate(self.workers[-1])
        while len(self.workers) < count:
            n = len(self.workers) + 1
            worker = self.spawn(
                f"worker{n}",
                [
                    PY,
                    "-m",
                    "celery",
                    "-A",
                    "panel",
                    "worker",
                    "-Q",
                    self.queue,
                    "--concurrency",
                    "1",
                    "-n",
                    f"{self.queue}-{n}@%h",
                    "-l",
                    "WARNING",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                ],
            )
            self.workers.append(worker)
        if self.workers:
            self.wait_workers_ready()

    def wait_workers_ready(self, timeout: float = 120) -> None:
        """Until every worker answers a ping (each takes seconds to import Django)."""
        from celery import Celery

        app = Celery("bench-ping", broker=self.redis_url)
        wanted = [f"{self.queue}-{n}@" for n in range(1, len(self.workers) + 1)]
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                dead = [w.name for w in self.workers if not w.alive()]
                if dead:
                    raise RuntimeError(f"Celery worker(s) exited: {dead}; see {self.root}/logs")
                keys = [key for reply in app.control.ping(timeout=1.0) or [] for key in reply]
                if all(any(key.startswith(w) for key in keys) for w in wanted):
                    return
        finally:
            app.close()
        raise RuntimeError(f"Celery workers not ready within {timeout:.0f} s")

    def stop(self) -> None:
        for proc in list(reversed(self.procs)):
            try:
                self.terminate(proc)
            except Exception as error:  # keep stopping the others
                print(f"bench: could not stop {proc.name}: {error}", file=sys.stderr)
        self._forget_queue()
        try:
            self.database.drop()
        except Exception as error:  # keep cleaning up; the database was this run's alone
            print(f"bench: could not drop the database: {error}", file=sys.stderr)
        if not self.keep:
            _rmtree(self.root)

    def _forget_queue(self) -> None:
        if not self.redis_url or "6379" not in self.redis_url:
            return
        import redis

        # Best effort: the name is unique to this run anyway.
        with contextlib.suppress(redis.RedisError, OSError):
            client = redis.Redis.from_url(self.redis_url, socket_timeout=2)
            client.delete(self.queue, f"_kombu.binding.{self.queue}")


def web_server_argv(port: int, processes: int) -> list[str]:
    """The panel's web server (uvicorn processes, each on a socket of its own) on ``port``."""
    return [
        PY,
        "-m",
        "panel.runtime.web_server",
        "panel.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(processes),
        "--lifespan",
        "off",
        "--no-access-log",
    ]


def _find_prctl() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None


_PRCTL = _find_prctl()  # looked up here: the child between fork and exec only calls it


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the bench process dies (even by SIGKILL), so a killed run
    leaves no simulator or web server behind (Linux; elsewhere ``stop()`` must run)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def wait_until(check: object, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        time.sleep(interval)
    return False
