"""The console's tests: the simulator's serial console beside the suite's simulator, panel
users connected with their own BigV credentials, and the panel itself under uvicorn (ASGI,
as `make run` serves it) for the WebSocket tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key
from panel.runtime.stack import wait_for_http
from tests.console.helpers import console_env, console_for

BASE_DIR = Path(__file__).resolve().parents[2]
# The panel under test checks open consoles often and closes idle ones soon.
CHECK_SECONDS = "0.3"
IDLE_SECONDS = "4"
MAX_PER_PERSON = "2"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture(scope="session")
def console_server(simulator: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The serial console of the suite's simulator (its world), on a loopback port."""
    with console_for(simulator, tmp_path_factory.mktemp("console")) as server:
        yield server


@pytest.fixture
def console_sim(sim: Any, console_server: Any, settings: Any) -> Any:
    """A fresh simulator whose consoles the panel (this process) knows how to reach."""
    for name, value in console_env(console_server).items():
        setattr(settings, name, value)
    return sim


def person(username: str, api_key: str | None) -> Any:
    user = get_user_model().objects.create_user(username=username, password="pw-5c1a-console")
    if api_key:
        credentials_connect_api_key(actor=Actor.system(), user=user, api_key=api_key)
    return user


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def authorized_keys(sim: Any, username: str) -> str:
    with sim.world.lock:
        user = sim.world.user_named(username)
        assert user is not None
        return user.authorized_keys


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def panel_server(
    django_db_setup: Any,
    django_db_blocker: Any,
    simulator: Any,
    console_server: Any,
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The panel under uvicorn on a free port, against the test database; yields its URL."""
    database = django_settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        url = (
            f"postgresql://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    else:
        url = f"sqlite:///{database['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "panel.settings",
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "BIGV_API_URL": simulator.api_url,
        "BIGV_AUTH_URL": simulator.auth_url,
        **console_env(console_server),
        "PANEL_CONSOLE_CHECK_SECONDS": CHECK_SECONDS,
        "PANEL_CONSOLE_IDLE_SECONDS": IDLE_SECONDS,
        "PANEL_CONSOLE_MAX_PER_PERSON": MAX_PER_PERSON,
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    port = _free_port()
    log_path = tmp_path_factory.mktemp("uvicorn") / "uvicorn.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "panel.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--no-proxy-headers",
                "--timeout-graceful-shutdown",
                "2",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/login/", timeout=30, process=proc)
            yield f"127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    text = log_path.read_text(errors="replace")
    assert "Traceback" not in text, text
