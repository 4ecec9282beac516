"""``manage.py runstack``: what ``make run`` runs — the whole panel on one machine.

The BigV simulator is started only when BIGV_API_URL is left at its embedded default (or points
at a loopback address with the simulator's port); pointing BIGV_API_URL and BIGV_AUTH_URL at the
real service runs the same stack against it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from panel.runtime.embedded_redis import redis_reachable, start_embedded_redis
from panel.runtime.management.commands.seed_demo import DEMO_USERS
from panel.runtime.stack import Stack, child_env, manage, python, wait_for_http

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Command(BaseCommand):
    help = "Start simulator, Redis (if needed), Celery worker and the web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--sim-port", type=int, default=8765)
        parser.add_argument("--sim-speed", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        api = urlparse(settings.BIGV_API_URL)
        embedded = api.hostname in LOOPBACK
        # Left at the default, the simulator goes wherever --sim-port says; an explicit
        # loopback BIGV_API_URL names the port the simulator must listen on.
        explicit = "BIGV_API_URL" in os.environ
        sim_port = (api.port if explicit else None) or options["sim_port"]
        var_dir = Path(settings.VAR_DIR)
        var_dir.mkdir(parents=True, exist_ok=True)
        overrides: dict[str, str] = {}
        if embedded:
            overrides["BIGV_API_URL"] = f"http://127.0.0.1:{sim_port}"
            overrides["BIGV_AUTH_URL"] = f"http://127.0.0.1:{sim_port}/auth"

        redis_url = settings.REDIS_URL
        redis_proc: subprocess.Popen[bytes] | None = None
        if not redis_reachable(redis_url):
            self.stdout.write(f"No Redis at {redis_url}; starting an embedded redis-server.")
            redis_proc, redis_url = start_embedded_redis(var_dir / "redis")
        overrides["REDIS_URL"] = redis_url
        stack = Stack(env=child_env(**overrides))
        if redis_proc is not None:
            stack.adopt("redis-server", redis_proc)

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
                    ],
                )
                wait_for_http(f"http://127.0.0.1:{sim_port}/definitions", process=sim.process)
            call_command("migrate", interactive=False, verbosity=0)
            subprocess.run(manage("seed_demo"), env=stack.env, check=True)  # noqa: S603
            stack.spawn(
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
                ],
            )
            # Beat runs the operations reconciler (resumes work whose lease expired).
            stack.spawn(
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
                    "uvicorn",
                    "panel.asgi:application",
                    "--host",
                    options["host"],
                    "--port",
                    str(options["port"]),
                    "--lifespan",
                    "off",
                    # uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 — every
                    # local client. The panel decides (panel.core.client_address); `make run`
                    # trusts no proxy, so a forged header changes nothing.
                    "--no-proxy-headers",
                ],
            )
            wait_for_http(f"http://{options['host']}:{options['port']}/login/", process=web.process)
        except (RuntimeError, subprocess.CalledProcessError) as error:
            stack.shutdown()
            raise CommandError(str(error)) from error

        self.stdout.write(
            self.style.SUCCESS(
                f"\nBigV Panel is running at http://{options['host']}:{options['port']}/"
            )
        )
        if embedded:
            logins = "\n".join(
                f"  {demo.username} / {demo.password}  — {demo.about}" for demo in DEMO_USERS
            )
            self.stdout.write(
                f"BigV simulator: http://127.0.0.1:{sim_port} (auth at /auth, control at /_sim)\n"
                f"Panel logins:\n{logins}\n"
                "BigV users for the connection page: demo / demo-password "
                "(API key apikey.demo-key), viewer / viewer-password, secure / secure-password "
                "(2FA code 123456)"
            )
        self.stdout.write("Press Ctrl-C to stop.")
        raise SystemExit(stack.wait())
