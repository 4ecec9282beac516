"""The process supervisor behind ``make run``: start the children, keep them running.

A child that exits (the Celery worker killed by a broker bug, the web server, the simulator,
the embedded Redis…) is started again after a back-off of 1, 2, 4… seconds (at most 30), with
a line saying which and why. The stack stops only on Ctrl-C (or SIGTERM) or when one child
keeps dying — ``GIVE_UP_AFTER`` exits within ``GIVE_UP_WINDOW`` seconds — which is a fault to
fix, not an outage to ride out. Every child gets the same environment, so that the worker and
the web server agree on the database, Redis and BigV.

What runs, and how often each has been restarted, is written to ``status_file`` (JSON) on
every change; ``/healthz`` shows it (``panel.runtime.health``), so a restart is visible to
whoever watches the panel, not only in the terminal.

Libraries weighed: honcho runs a Procfile but stops everything when one process exits (as this
module did); supervisord restarts, but is a daemon with its own configuration files and
control socket — a lot to carry for one developer command. Production restarts belong to the
container runtime (docker-compose.yml: ``restart: unless-stopped`` and health checks).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GIVE_UP_AFTER = 5  # exits …
GIVE_UP_WINDOW = 60.0  # … within this many seconds: the child keeps dying, stop the stack
MAX_BACKOFF = 30.0
TICK = 0.3

Starter = Callable[[], "subprocess.Popen[bytes]"]


@dataclass
class Child:
    name: str
    args: list[str]
    process: subprocess.Popen[bytes] | None = None
    # How to start it again (None: as it was started, with ``args``).
    restart: Starter | None = None
    exits: list[float] = field(default_factory=list)  # when it exited, monotonic
    restarts: int = 0
    last_exit: int | None = None
    due: float | None = None  # a restart is due at this monotonic time

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def recent_exits(self, now: float) -> int:
        return sum(1 for moment in self.exits if now - moment < GIVE_UP_WINDOW)

    def status(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "pid": self.process.pid if self.process is not None else None,
            "restarts": self.restarts,
            "last_exit": self.last_exit,
        }


@dataclass
class Stack:
    env: dict[str, str]
    children: list[Child] = field(default_factory=list)
    status_file: Path | None = None
    say: Callable[[str], None] = print

    def spawn(self, name: str, args: list[str]) -> Child:
        child = Child(name=name, args=args)
        child.process = self._popen(args)
        self.children.append(child)
        self._write_status()
        return child

    def adopt(
        self, name: str, process: subprocess.Popen[bytes], restart: Starter | None = None
    ) -> Child:
        """A child started elsewhere (the embedded Redis); ``restart`` starts it again."""
        child = Child(name=name, args=[], process=process, restart=restart)
        self.children.append(child)
        self._write_status()
        return child

    def _popen(self, args: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(args, env=self.env)  # noqa: S603  (our own argv)

    # --- supervision ---------------------------------------------------------------------

    def wait(self) -> int:
        """Keep the children running until Ctrl-C, SIGTERM or one that keeps dying."""
        stop: list[int] = []

        def _stop(signum: int, frame: object) -> None:
            stop.append(signum)

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        exit_code = 0
        while not stop:
            failed = self.tend(time.monotonic())
            if failed is not None:
                exit_code = failed
                break
            time.sleep(TICK)
        self.shutdown()
        return exit_code

    def tend(self, now: float) -> int | None:
        """One look at every child: note exits, start what is due. An exit status when the
        stack must stop (a child that keeps dying), else None."""
        for child in self.children:
            if child.due is not None:
                if now >= child.due:
                    self._start_again(child)
                continue
            code = child.process.poll() if child.process is not None else None
            if code is None:
                continue
            child.exits.append(now)
            child.last_exit = code
            recent = child.recent_exits(now)
            if recent >= GIVE_UP_AFTER:
                self.say(
                    f"\n{child.name} exited with status {code}, {recent} times in the last "
                    f"{GIVE_UP_WINDOW:.0f} s; it keeps dying, so the stack stops."
                )
                self._write_status()
                return code or 1
            wait = min(MAX_BACKOFF, 2.0 ** (recent - 1))
            child.due = now + wait
            self.say(
                f"{child.name} exited with status {code}; starting it again in {wait:.0f} s "
                f"({recent} exit{'s' if recent != 1 else ''} in the last minute)."
            )
            self._write_status()
        return None

    def _start_again(self, child: Child) -> None:
        child.due = None
        try:
            child.process = child.restart() if child.restart else self._popen(child.args)
        except (OSError, RuntimeError) as error:
            # It could not even start: count it as an exit, and back off as for one.
            self.say(f"{child.name} could not be started again: {error}")
            child.process = None
            child.exits.append(time.monotonic())
            child.due = time.monotonic() + MAX_BACKOFF
            return
        child.restarts += 1
        self.say(f"{child.name} started again (pid {child.process.pid}).")
        self._write_status()

    def shutdown(self) -> None:
        for child in reversed(self.children):
            child.due = None
            if child.running:
                assert child.process is not None
                child.process.terminate()
        for child in reversed(self.children):
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.process.kill()
        if self.status_file is not None:
            with contextlib.suppress(OSError):
                self.status_file.unlink()

    def _write_status(self) -> None:
        if self.status_file is None:
            return
        body = {
            "supervisor_pid": os.getpid(),
            "processes": {child.name: child.status() for child in self.children},
        }
        temporary = self.status_file.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps(body, indent=1))
            temporary.replace(self.status_file)
        except OSError:  # a full disk must not take the stack down with it
            pass


def read_status(path: Path) -> dict[str, Any] | None:
    """What a running supervisor last wrote, or None (no ``make run`` stack, or a stale file
    whose supervisor is gone)."""
    try:
        body = json.loads(path.read_text())
        os.kill(int(body["supervisor_pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    processes = body.get("processes")
    if not isinstance(processes, dict):
        return None
    # "running" was true when written; a child that died since is not running any more.
    for status in processes.values():
        pid = status.get("pid")
        if status.get("running") and pid and not _alive(int(pid)):
            status["running"] = False
    return body


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
        return state != "Z"
    return True
