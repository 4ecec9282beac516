"""The supervisor behind `make run`, with real child processes and a hand-driven clock:
a child that exits is started again after a growing back-off and shows in the status file;
one that keeps dying stops the stack; Ctrl-C stops every child."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from panel.runtime import supervisor
from panel.runtime.supervisor import GIVE_UP_AFTER, Stack, read_status

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
DIES = [sys.executable, "-c", "raise SystemExit(3)"]


def _exited(stack: Stack, name: str) -> None:
    child = next(c for c in stack.children if c.name == name)
    assert child.process is not None
    child.process.wait(timeout=20)


def test_a_child_that_exits_is_started_again_with_growing_back_off(tmp_path: Path) -> None:
    said: list[str] = []
    status = tmp_path / "stack.json"
    stack = Stack(env={"PATH": "/usr/bin:/bin"}, status_file=status, say=said.append)
    try:
        stack.spawn("web", SLEEPER)
        worker = stack.spawn("worker", DIES)
        _exited(stack, "worker")

        assert stack.tend(100.0) is None
        assert worker.due == 101.0  # 1 s after the first exit
        assert said[-1].startswith("worker exited with status 3; starting it again in 1 s")
        assert read_status(status)["processes"]["worker"]["last_exit"] == 3

        assert stack.tend(101.0) is None  # due: started again
        assert worker.restarts == 1 and said[-1].startswith("worker started again (pid ")
        _exited(stack, "worker")
        assert stack.tend(102.0) is None
        assert worker.due == 104.0  # then 2 s, 4 s… at most 30 s

        body = read_status(status)
        assert body["processes"]["web"]["running"] is True
        assert body["processes"]["worker"]["restarts"] == 1
    finally:
        stack.shutdown()
    assert not status.exists()  # a stopped stack leaves no status behind


def test_a_child_that_keeps_dying_stops_the_stack(tmp_path: Path) -> None:
    said: list[str] = []
    stack = Stack(env={"PATH": "/usr/bin:/bin"}, say=said.append)
    try:
        stack.spawn("worker", DIES)
        now = 0.0
        for _ in range(GIVE_UP_AFTER - 1):
            _exited(stack, "worker")
            assert stack.tend(now) is None
            now = stack.children[0].due or now
            assert stack.tend(now) is None  # started again
        _exited(stack, "worker")
        assert stack.tend(now + 0.5) == 3
        assert "it keeps dying, so the stack stops" in said[-1]
    finally:
        stack.shutdown()


def test_exits_spread_over_more_than_a_minute_do_not_stop_it() -> None:
    stack = Stack(env={"PATH": "/usr/bin:/bin"}, say=lambda text: None)
    try:
        stack.spawn("worker", DIES)
        for index in range(GIVE_UP_AFTER + 2):
            _exited(stack, "worker")
            now = index * (supervisor.GIVE_UP_WINDOW / 2)
            assert stack.tend(now) is None
            assert stack.tend(stack.children[0].due or now) is None
    finally:
        stack.shutdown()


def test_shutdown_stops_every_child_and_a_stale_status_reads_as_none(tmp_path: Path) -> None:
    status = tmp_path / "stack.json"
    stack = Stack(env={"PATH": "/usr/bin:/bin"}, status_file=status, say=lambda text: None)
    children = [stack.spawn("web", SLEEPER), stack.spawn("worker", SLEEPER)]
    started = time.monotonic()
    stack.shutdown()
    assert all(child.process.poll() is not None for child in children)
    assert time.monotonic() - started < 15
    status.write_text('{"supervisor_pid": 999999999, "processes": {}}')
    assert read_status(status) is None
