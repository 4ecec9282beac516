"""The web server: uvicorn processes that each accept connections on a socket of their own.

``python -m panel.runtime.web_server panel.asgi:application --host … --port … --workers N``
takes uvicorn's own options (parsed by uvicorn's command line, so they mean what they mean
there) and runs N uvicorn servers.

Why not ``uvicorn --workers N``: it binds one listening socket and shares it between its
processes. Every process waits on that socket, and the first to wake accepts every connection
then pending (asyncio accepts up to the backlog at a time). A burst of connections — a team
opening the panel at nine, or the bench's 50 people starting together — lands on one process,
and keep-alive holds each connection to its process for as long as it is open. Measured with
``python -m bench --only load``: 43, 4 and 3 connections on three processes; one process
served most of the pages while the others idled, and the slowest twentieth of the pages took
0.9 s. Here each process binds its own socket to the address with ``SO_REUSEPORT``, and the
kernel hands each new connection to one of them by a hash of its addresses, whatever each
process is doing at that moment (the same burst: 19, 17 and 14; p95 0.48 s). The price: a
process that dies takes with it the connections the kernel had queued for it and it had not
yet accepted (its clients see a reset and retry), where a shared socket would have kept them
for the others; until it is back, new connections go to the others.

The processes are kept running by ``panel.runtime.supervisor`` (a process that dies is started
again, with back-off; one that keeps dying stops the server, for its own supervisor — the
container runtime or ``make run`` — to act on). SIGTERM or Ctrl-C stops them all, each
finishing its requests as uvicorn does. Each process also ends if the launcher is killed
outright (Linux ``PR_SET_PDEATHSIG``), so that no orphan keeps the port.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
from typing import Any

import click
import uvicorn

PR_SET_PDEATHSIG = 1
ONE = "--one-process"  # internal: ONE <launcher pid> <uvicorn options>: one of the N servers


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A socket bound to ``host``:``port`` that other processes may bind as well."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def uvicorn_config(argv: list[str]) -> uvicorn.Config:
    """uvicorn's ``Config`` for its command-line arguments, as ``uvicorn …`` would make it
    (``--help`` prints uvicorn's help and exits; a wrong option exits with its message)."""
    command: click.Command = uvicorn.main
    try:
        context = command.make_context("uvicorn", list(argv))
    except click.exceptions.Exit as done:
        raise SystemExit(done.exit_code) from None
    except click.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    params: dict[str, Any] = dict(context.params)
    app_dir = params.pop("app_dir", None)
    if app_dir is not None and app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    return uvicorn.Config(**params)


def serve_one(argv: list[str]) -> None:
    """One uvicorn server on a socket of its own."""
    config = uvicorn_config(argv)
    config.workers = 1
    sock = listening_socket(config.host, config.port, config.backlog)
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:
        raise SystemExit(3)  # uvicorn's STARTUP_FAILURE


def serve(argv: list[str]) -> int:
    """N processes, kept running; the exit status when they stop."""
    from panel.runtime.supervisor import Stack

    workers = uvicorn_config(argv).workers
    if workers <= 1:
        serve_one(argv)
        return 0
    stack = Stack(env=dict(os.environ), say=lambda line: print(line, file=sys.stderr, flush=True))
    command = [sys.executable, "-m", "panel.runtime.web_server", ONE, str(os.getpid()), *argv]
    for n in range(1, workers + 1):
        stack.spawn(f"web process {n}", command)
    return stack.wait()


def _end_with_parent(launcher: int) -> None:
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: the launcher's SIGTERM is the only stop
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != launcher:  # the launcher was gone before the line above
        raise SystemExit(0)


def main(argv: list[str]) -> int:
    if argv[:1] == [ONE]:
        _end_with_parent(int(argv[1]))
        serve_one(argv[2:])
        return 0
    return serve(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
