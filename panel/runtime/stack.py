"""Start and supervise the local stack for ``make run``: simulator, Redis, worker, web server.

Kept apart from the management command so the process handling is readable on its own. Every
child gets the same environment (so the worker and the web server agree on Redis and the BigV
URLs), and if any child dies the whole stack stops with a message saying which one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Child:
    name: str
    args: list[str]
    process: subprocess.Popen[bytes] | None = None


@dataclass
class Stack:
    env: dict[str, str]
    children: list[Child] = field(default_factory=list)

    def spawn(self, name: str, args: list[str]) -> Child:
        child = Child(name=name, args=args)
        child.process = subprocess.Popen(args, env=self.env)  # noqa: S603  (our own argv)
        self.children.append(child)
        return child

    def adopt(self, name: str, process: subprocess.Popen[bytes]) -> None:
        self.children.append(Child(name=name, args=[], process=process))

    def wait(self) -> int:
        """Block until Ctrl-C or a child exits; then stop everything."""
        stop = False

        def _stop(signum: int, frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        exit_code = 0
        while not stop:
            for child in self.children:
                assert child.process is not None
                code = child.process.poll()
                if code is not None:
                    print(f"\n{child.name} exited with status {code}; stopping the stack.")
                    exit_code = code or 1
                    stop = True
                    break
            time.sleep(0.3)
        self.shutdown()
        return exit_code

    def shutdown(self) -> None:
        for child in reversed(self.children):
            if child.process and child.process.poll() is None:
                child.process.terminate()
        for child in reversed(self.children):
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.process.kill()


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


def python() -> str:
    return sys.executable


def manage(*args: str) -> list[str]:
    return [python(), str(Path(__file__).resolve().parents[2] / "manage.py"), *args]


def child_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(overrides)
    return env
