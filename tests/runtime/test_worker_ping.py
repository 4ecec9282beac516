"""The worker's health check: a ping on its own node name through the broker; a wedged worker
(broker up, no answer) is killed so that the container's restart policy replaces it, and a
broker that is down is not blamed on the worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from panel.runtime import worker_ping


@pytest.mark.slow
@pytest.mark.xdist_group("celery")
def test_a_live_worker_answers_its_own_ping_and_an_absent_one_does_not(worker) -> None:
    node = f"{worker.queue}-{worker.starts}@{socket.gethostname()}"

    assert worker_ping.check(node, attempts=3, timeout=5) == worker_ping.ALIVE
    absent = f"nobody-{worker.queue}@{socket.gethostname()}"
    assert worker_ping.check(absent, attempts=1, timeout=1) == worker_ping.WEDGED


def test_a_broker_that_does_not_answer_is_not_the_workers_fault(monkeypatch) -> None:
    monkeypatch.setattr(worker_ping, "worker_answers", lambda node, timeout: False)
    monkeypatch.setattr(worker_ping, "broker_answers", lambda timeout: False)
    killed: list[int] = []
    monkeypatch.setattr(worker_ping, "kill_worker", lambda: killed.append(1) or [1])

    assert worker_ping.main(["--node", "celery@x", "--attempts", "1", "--kill-wedged"]) == 1
    assert killed == []  # it reconnects by itself once the broker is back


def test_a_wedged_worker_is_killed_only_when_asked(monkeypatch) -> None:
    monkeypatch.setattr(worker_ping, "worker_answers", lambda node, timeout: False)
    monkeypatch.setattr(worker_ping, "broker_answers", lambda timeout: True)
    killed: list[int] = []
    monkeypatch.setattr(worker_ping, "kill_worker", lambda: killed.append(1) or [1])

    assert worker_ping.main(["--node", "celery@x", "--attempts", "2"]) == 1
    assert killed == []
    assert worker_ping.main(["--node", "celery@x", "--attempts", "2", "--kill-wedged"]) == 1
    assert killed == [1]


def test_the_kill_reaches_the_children_of_the_init(tmp_path: Path) -> None:
    child = subprocess.Popen(["sleep", "60"])
    try:
        task = tmp_path / "1" / "task" / "1"
        task.mkdir(parents=True)
        (task / "children").write_text(f"{child.pid} ")

        assert worker_ping.init_children(tmp_path) == [child.pid]
        assert worker_ping.kill_worker(tmp_path) == [child.pid]
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
