"""The threaded HTTP server and ``SimulatorServer``, the in-process handle tests use.

wsgiref's server is single-threaded; mixing in ``ThreadingMixIn`` with daemon threads gives
one thread per connection, enough for the benchmarks' 50 concurrent users. The request
handler adds what the simulator needs from the socket: the raw (still %-encoded) path so
``+`` in a segment can be decoded the way BC encodes it, and an ``abort`` hook that closes
the connection without a response (``drop``) or with a TCP RST (``reset``).
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from panel.simulator import persist, seed
from panel.simulator.app import SimulatorApp
from panel.simulator.world import World


class _Handler(WSGIRequestHandler):
    _abort_kind: str | None = None

    def get_environ(self) -> dict[str, Any]:
        env = super().get_environ()
        env["sim.raw_path"] = self.path.split("?", 1)[0]
        env["sim.abort"] = self._set_abort
        return env

    def _set_abort(self, kind: str) -> None:
        self._abort_kind = kind

    def finish(self) -> None:
        if self._abort_kind == "reset":
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.wfile.close()
            self.rfile.close()
            self.connection.close()
            return
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        if getattr(self.server, "log_requests", False):
            super().log_message(format, *args)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256
    log_requests = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-request is routine here (fault tests do it on purpose).
        pass


class SimulatorServer:
    """Start the brain + auth + control on one port, in a background thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float = 1.0,
        state_file: str | Path | None = None,
        seed: str = "demo",
        log_requests: bool = False,
        console_port: int | None = None,
        console_host_key: str | Path | None = None,
        console_known_hosts: str | Path | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.speed = speed
        self.state_file = Path(state_file) if state_file else None
        self.seed = seed
        self.log_requests = log_requests
        self._httpd: ThreadingWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._saver: persist.Saver | None = None
        self.app: SimulatorApp | None = None
        # The serial console over SSH (console.py), when a port is given; None if it failed.
        self.console_port = console_port
        self.console_host_key = console_host_key
        self.console_known_hosts = console_known_hosts
        self.console: Any = None

    def _initial_world(self) -> World:
        if self.state_file and self.state_file.exists():
            try:
                return persist.load(self.state_file)
            except (ValueError, KeyError, TypeError) as exc:
                # Keep the unreadable file for inspection and start from the seed, so a
                # format change never stops ``make run``.
                aside = self.state_file.with_name(self.state_file.name + ".unreadable")
                self.state_file.replace(aside)
                print(
                    f"simulator: {self.state_file} unreadable ({exc}); moved to {aside}",
                    file=sys.stderr,
                )
        return seed.build(self.seed, self.speed)

    def start(self) -> SimulatorServer:
        world = self._initial_world()
        self.app = SimulatorApp(world, seed_name=self.seed, speed=self.speed)
        httpd = ThreadingWSGIServer((self.host, self.port), _Handler)
        httpd.log_requests = self.log_requests
        httpd.set_app(self.app)
        self._httpd = httpd
        self.port = httpd.server_address[1]
        if self.state_file:
            self._saver = persist.Saver(world, self.state_file)
            self._saver.start()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="bigv-sim", daemon=True
        )
        self._thread.start()
        if self.console_port is not None:
            self._start_console()
        return self

    def _start_console(self) -> None:
        """The console needs asyncssh, the simulator's one library: without it (or with its
        port taken) the brain and auth service still run, and stderr says why."""
        try:
            from panel.simulator.console import ConsoleServer

            self.console = ConsoleServer(
                self.world,
                host=self.host,
                port=self.console_port or 0,
                host_key_file=self.console_host_key,
                known_hosts_file=self.console_known_hosts,
            ).start()
        except Exception as exc:
            self.console = None
            print(f"simulator: serial console not started: {exc}", file=sys.stderr, flush=True)

    @property
    def world(self) -> World:
        if self.app is None:
            raise RuntimeError("the simulator is not started")
        return self.app.world

    @property
    def api_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def auth_url(self) -> str:
        return self.api_url + "/auth"

    @property
    def control_url(self) -> str:
        return self.api_url + "/_sim"

    def reset(self) -> None:
        if self.app is None:
            raise RuntimeError("the simulator is not started")
        self.app.reset()

    def stop(self) -> None:
        if self.console is not None:
            self.console.stop()
            self.console = None
        if self.app is not None:
            self.app.shutdown()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._saver is not None:
            self._saver.stop()
            self._saver = None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
