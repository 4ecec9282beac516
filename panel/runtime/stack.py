"""Helpers for the local stack of ``make run``: waiting for a child to answer, where the
simulator's console listens, how to run ``manage.py`` with the stack's Python and environment.

The supervision itself — starting children, restarting those that die — is
``panel.runtime.supervisor``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# The first line of runstack's closing block, printed once everything is up: whoever starts
# runstack and must not act before that (the drills) waits for it.
READY_HEADLINE = "BigV Panel is running at"


def web_workers() -> int:
    """How many web server processes: ``WEB_CONCURRENCY`` (uvicorn's own variable), else one
    per CPU and one more.

    A page is mostly Python (templates, the ORM) under one process's GIL, with waits on BigV
    between; one process more than the CPUs keeps them busy through those waits. Measured with
    ``python -m bench --only load`` on a 2-CPU machine (50 people, group and VM pages, each
    process on a socket of its own: ``panel.runtime.web_server``): 2 processes 143 req/s,
    3 → 172, 4 → 166.
    """
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured:
        return max(1, int(configured))
    return (os.cpu_count() or 1) + 1


def wait_for_http(
    url: str, *, timeout: float = 20.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback)
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


# The simulator's management addresses (panel/simulator/ippool.py), all served by its one
# console port: the panel reaches them through it (panel.console.target, BIGV_CONSOLE_ADDRESSES).
SIMULATOR_MANAGEMENT_NETWORK = "172.16.0.0/12"


def simulator_console(
    sim_port: int, var_dir: Path, known_hosts: str
) -> tuple[list[str], dict[str, str]]:
    """The simulator's serial console on the port after its own: its arguments (a host key
    kept in ``var_dir``, the known_hosts file the panel reads written for it) and the
    setting that points the panel at it — unless BIGV_CONSOLE_ADDRESSES is set already."""
    port = sim_port + 1
    args = [
        "--console-port",
        str(port),
        "--console-host-key",
        str(var_dir / "simulator-console-host-key"),
        "--console-known-hosts",
        known_hosts,
    ]
    mapping = os.environ.get("BIGV_CONSOLE_ADDRESSES") or (
        f"{SIMULATOR_MANAGEMENT_NETWORK}=127.0.0.1:{port}"
    )
    return args, {"BIGV_CONSOLE_ADDRESSES": mapping}


def python() -> str:
    return sys.executable


def manage(*args: str) -> list[str]:
    return [python(), str(Path(__file__).resolve().parents[2] / "manage.py"), *args]


def child_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(overrides)
    return env
