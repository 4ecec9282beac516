"""`make run` against a real BigV: ``manage.py runstack`` with https URLs that do not answer.

It starts Redis (or uses the test's), the worker, beat and the web server — no simulator and
no demo users — and the login page answers while ``/healthz`` names BigV as what fails. The
URLs are under ``.invalid`` (RFC 6761: never resolves), so "unreachable" is immediate.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from panel.runtime.embedded_redis import free_port
from panel.runtime.startup import celery_queue_for, uses_simulator

REPO = Path(__file__).resolve().parents[2]
API, AUTH = "https://brain.bigv.invalid", "https://auth.bigv.invalid"


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_for_line(log: Path, text: str, process: subprocess.Popen[bytes], limit: float) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        output = log.read_text(errors="replace")
        if text in output:
            return output
        assert process.poll() is None, f"runstack exited with {process.returncode}:\n{output}"
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not printed within {limit} s:\n{log.read_text()}")


@pytest.fixture
def real_stack(tmp_path: Path, redis_url: str):
    port, sim_port = free_port(), free_port()
    env = dict(os.environ)
    env.update(
        PANEL_VAR_DIR=str(tmp_path / "var"),
        BIGV_API_URL=API,
        BIGV_AUTH_URL=AUTH,
        BIGV_ALLOWED_HOSTS="brain.bigv.invalid,auth.bigv.invalid",
        REDIS_URL=redis_url,
        PANEL_CELERY_QUEUE=f"runstack-test-{uuid.uuid4().hex[:8]}",
        DJANGO_SETTINGS_MODULE="panel.settings",
    )
    env.pop("PYTEST_XDIST_WORKER", None)
    # Its own database (SQLite in its var dir), as a first `make run` has: the stack migrates
    # it, and the test's database stays the test's (on the PostgreSQL run too).
    env.pop("DATABASE_URL", None)
    log = tmp_path / "runstack.log"
    argv = [
        sys.executable,
        "manage.py",
        "runstack",
        "--port",
        str(port),
        "--sim-port",
        str(sim_port),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv,
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        output = _wait_for_line(log, "Press Ctrl-C to stop.", process, limit=120)
        yield f"http://127.0.0.1:{port}", sim_port, output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_runstack_against_an_unreachable_real_bigv(real_stack) -> None:
    url, sim_port, output = real_stack
    status, body = _get(f"{url}/login/")
    assert status == 200 and b'name="password"' in body

    status, body = _get(f"{url}/healthz")
    health = json.loads(body)
    assert status == 503
    assert health["checks"]["bigv_api"]["ok"] is False
    assert health["checks"]["database"]["ok"] and health["checks"]["redis"]["ok"]

    # No simulator was started, no demo user seeded, and the output says so — once, at the end.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{sim_port}/definitions", timeout=2)
    assert "no simulator, no demo users" in output
    assert "alice-panel-pw" not in output
    assert output.count("BigV Panel is running at") == 1
    assert "createsuperuser" in output  # nobody can log in yet: it says how to begin


def test_only_a_loopback_bigv_is_the_simulator(tmp_path: Path) -> None:
    assert uses_simulator("http://127.0.0.1:8765")
    assert uses_simulator("http://localhost:8765")
    assert not uses_simulator("https://uk0.bigv.io")
    assert not uses_simulator("http://10.0.0.5:8765")
    # Two stacks on one machine (another PANEL_VAR_DIR) never share a Celery queue.
    assert celery_queue_for(tmp_path / "a") != celery_queue_for(tmp_path / "b")
    assert celery_queue_for(tmp_path / "a") == celery_queue_for(tmp_path / "a")
