"""``python -m panel.runtime.worker_ping``: the worker container's health check.

A dead worker is restarted by the container's restart policy; a worker that is alive but no
longer consuming (a reconnection that never completed, a main loop stuck) looks healthy to
Docker. This asks the worker to answer, through the broker, on its own node name — the
remote-control channel is served by the worker's main process, so a pool busy with long
steps still answers.

Docker marks an unhealthy container but does not restart it. ``--kill-wedged`` does: when
the broker answers and the worker does not, ``--attempts`` times in a row, the worker's main
process gets SIGKILL, the container exits, and its restart policy starts a fresh one. The
tasks it held go back to the queue (acks_late) and the reconciler resumes their operations.
The compose file runs the worker under an init (``init: true``), so the worker is PID 1's
child and can be killed (PID 1 itself ignores signals it has no handler for). A broker that
does not answer is not the worker's fault: the check fails (unhealthy) without killing it —
the worker reconnects by itself when the broker is back.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from pathlib import Path

ALIVE, WEDGED, BROKER_DOWN = 0, 1, 2


def broker_answers(timeout: float) -> bool:
    from panel.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=max(1, round(timeout)))
    except Exception:  # kombu/redis-py raise their own families for an unreachable broker
        return False
    return True


def worker_answers(node: str, timeout: float) -> bool:
    from panel.celery import app

    replies = app.control.ping(destination=[node], timeout=timeout) or []
    return any(node in reply for reply in replies)


def check(node: str, *, attempts: int, timeout: float) -> int:
    for _ in range(max(1, attempts)):
        if worker_answers(node, timeout):
            return ALIVE
    return WEDGED if broker_answers(timeout) else BROKER_DOWN


def init_children(proc: Path = Path("/proc")) -> list[int]:
    """The processes PID 1 (the container's init) started: the worker's main process."""
    found: list[int] = []
    for task in (proc / "1" / "task").glob("*/children"):
        found.extend(int(pid) for pid in task.read_text().split())
    return found


def kill_worker(proc: Path = Path("/proc")) -> list[int]:
    killed = []
    for pid in init_children(proc):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        killed.append(pid)
    return killed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--node",
        default=f"celery@{socket.gethostname()}",
        help="the worker's node name (default: celery@<this host>, Celery's own default)",
    )
    parser.add_argument("--attempts", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per ping")
    parser.add_argument("--kill-wedged", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")

    result = check(args.node, attempts=args.attempts, timeout=args.timeout)
    if result == ALIVE:
        return 0
    if result == BROKER_DOWN:
        print(f"{args.node}: the broker does not answer; not the worker's fault", file=sys.stderr)
        return 1
    print(f"{args.node}: no answer to {args.attempts} pings", file=sys.stderr)
    if args.kill_wedged:
        killed = kill_worker()
        print(f"killed {killed or 'nothing'}; the restart policy starts a new one", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
