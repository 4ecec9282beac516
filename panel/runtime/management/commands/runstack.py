"""``manage.py runstack``: what ``make run`` runs — the whole panel on one machine.

The BigV simulator is started, and the demo users seeded, only when BIGV_API_URL is left at its
embedded default (or points at a loopback address with the simulator's port); pointing
BIGV_API_URL and BIGV_AUTH_URL at the real service runs web, worker, beat and Redis against it —
no simulator, no demo users — and the panel answers even while BigV does not (``/healthz``
says so). What it decides and prints around the processes is in ``panel.runtime.startup``.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from panel.runtime.embedded_redis import redis_reachable, start_embedded_redis
from panel.runtime.management.commands.seed_demo import DEMO_USERS
from panel.runtime.stack import (
    child_env,
    manage,
    python,
    simulator_console,
    wait_for_http,
    web_workers,
)
from panel.runtime.startup import (
    QUIET_LOGGERS,
    Ready,
    celery_queue_for,
    people_exist,
    ready_block,
    uses_simulator,
    wait_for_beat,
    wait_for_worker,
    worker_node,
)
from panel.runtime.supervisor import Stack


class Command(BaseCommand):
    help = "Start simulator, Redis (if needed), Celery worker and the web server."
    # Checked in handle() once PANEL_VAR_DIR exists: a check opens the SQLite file in it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--sim-port", type=int, default=8765)
        parser.add_argument("--sim-speed", type=float, default=1.0)

    def execute(self, *args: Any, **options: Any) -> str | None:
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        self.check()
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        api = urlparse(settings.BIGV_API_URL)
        embedded = uses_simulator(settings.BIGV_API_URL)
        if not embedded:
            self.stdout.write(
                f"BigV is {settings.BIGV_API_URL}: no simulator, no demo users "
                "(they are for the bundled simulator only)."
            )
        # Left at the default, the simulator goes wherever --sim-port says; an explicit
        # loopback BIGV_API_URL names the port the simulator must listen on.
        explicit = "BIGV_API_URL" in os.environ
        sim_port = (api.port if explicit else None) or options["sim_port"]
        var_dir = Path(settings.VAR_DIR)
        overrides: dict[str, str] = {}
        console_args: list[str] = []
        if embedded:
            overrides["BIGV_API_URL"] = f"http://127.0.0.1:{sim_port}"
            overrides["BIGV_AUTH_URL"] = f"http://127.0.0.1:{sim_port}/auth"
            console_args, console_env = simulator_console(
                sim_port, var_dir, settings.BIGV_CONSOLE_KNOWN_HOSTS
            )
            overrides.update(console_env)

        redis_url = settings.REDIS_URL
        redis_proc: subprocess.Popen[bytes] | None = None
        if not redis_reachable(redis_url):
            self.stdout.write(f"No Redis at {redis_url}; starting an embedded redis-server.")
            redis_proc, redis_url = start_embedded_redis(var_dir / "redis")
        overrides["REDIS_URL"] = redis_url
        # /healthz shows what the supervisor runs and how often it restarted each.
        status_file = var_dir / "stack.json"
        overrides["PANEL_STACK_STATUS"] = str(status_file)
        queue = os.environ.get("PANEL_CELERY_QUEUE") or celery_queue_for(var_dir)
        overrides["PANEL_CELERY_QUEUE"] = queue
        overrides["PANEL_LOG_LEVELS"] = os.environ.get("PANEL_LOG_LEVELS", QUIET_LOGGERS)
        url = f"http://{options['host']}:{options['port']}/"
        overrides["PANEL_BASE_URL"] = os.environ.get("PANEL_BASE_URL") or url  # links in messages
        stack = Stack(env=child_env(**overrides), status_file=status_file)
        if redis_proc is not None:
            port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
            stack.adopt(
                "redis-server",
                redis_proc,
                # Again on the same port, so that everyone's REDIS_URL still finds it.
                restart=lambda: start_embedded_redis(var_dir / "redis", port)[0],
            )

        try:
            if embedded:
                sim = stack.spawn(
                    "simulator",
                    [
                        python(),
                        "-m",
                        "panel.simulator",
                        "--port",
                        str(sim_port),
                        "--state",
                        str(var_dir / "simulator-state.json"),
                        "--speed",
                        str(options["sim_speed"]),
                        *console_args,
                    ],
                )
                wait_for_http(f"http://127.0.0.1:{sim_port}/definitions", process=sim.process)
            call_command("migrate", interactive=False, verbosity=0)
            if embedded:
                # Its logins are printed in the closing block; it says only what went wrong.
                seed = manage("seed_demo", "--verbosity", "0")
                subprocess.run(seed, env=stack.env, check=True)  # noqa: S603
            worker = stack.spawn(
                "worker",
                [
                    python(),
                    "-m",
                    "celery",
                    "-A",
                    "panel",
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "2",
                    "--hostname",
                    worker_node(options["port"]),
                ],
            )
            # Beat runs the operations reconciler (resumes work whose lease expired).
            beat_started = time.time()
            beat = stack.spawn(
                "beat",
                [
                    python(),
                    "-m",
                    "celery",
                    "-A",
                    "panel",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(var_dir / "celerybeat-schedule"),
                ],
            )
            web = stack.spawn(
                "web",
                [
                    python(),
                    "-m",
                    # uvicorn processes, each accepting on a socket of its own.
                    "panel.runtime.web_server",
                    "panel.asgi:application",
                    "--host",
                    options["host"],
                    "--port",
                    str(options["port"]),
                    "--workers",
                    str(web_workers()),
                    "--lifespan",
                    "off",
                    # uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 — every
                    # local client. The panel decides (panel.core.client_address); `make run`
                    # trusts no proxy, so a forged header changes nothing.
                    "--no-proxy-headers",
                    # panel.request logs every request already.
                    "--no-access-log",
                ],
            )
            wait_for_http(f"{url}login/", process=web.process)
            wait_for_worker(redis_url, worker_node(options["port"]), process=worker.process)
            wait_for_beat(var_dir / "celerybeat-schedule", beat_started, process=beat.process)
        except (RuntimeError, subprocess.CalledProcessError) as error:
            stack.shutdown()
            raise CommandError(str(error)) from error

        ready = Ready(
            url=url,
            api_url=stack.env.get("BIGV_API_URL", settings.BIGV_API_URL),
            auth_url=stack.env.get("BIGV_AUTH_URL", settings.BIGV_AUTH_URL),
            simulator_url=f"http://127.0.0.1:{sim_port}" if embedded else "",
            demo_users=DEMO_USERS if embedded else (),
            has_people=people_exist(),
        )
        self.stdout.write(self.style.SUCCESS(ready_block(ready)))
        raise SystemExit(stack.wait())
