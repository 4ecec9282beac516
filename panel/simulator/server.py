"""The threaded HTTP server and ``SimulatorServer``, the in-process handle tests use.

wsgiref's server is single-threaded; mixing in ``ThreadingMixIn`` with daemon threads gives
one thread per connection, enough for the benchmarks' 50 concurrent users. The request
handler adds what the simulator needs from the socket: the raw (still %-encoded) path so
``+`` in a segment can be decoded the way BC encodes it, and an ``abort`` hook that closes
the connection without a response (``drop``) or with a TCP RST (``reset``).

Connections are kept open between requests (HTTP/1.1 keep-alive), as the real service's
front end keeps them: wsgiref answers one request and closes, so every call a client made
paid a new connection (and a new thread here) that it does not pay against BigV, and the
panel's kept connections (panel.bigv._sessions) were never exercised. An idle connection is
closed after ``KEEP_ALIVE_SECONDS``, longer than the panel keeps one unused, as a server's
keep-alive timeout is; an answer without a length, a request body sent in chunks, an
aborted request and a client that asks for it close the connection after the answer.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler
from io import BytesIO
from pathlib import Path
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import IO, Any, cast
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from panel.simulator import persist, seed
from panel.simulator.app import SimulatorApp
from panel.simulator.world import World

# Longer than the panel keeps a connection unused (panel.bigv._sessions.IDLE_SECONDS), so the
# panel drops an idle connection before the server does, as it would against BigV.
KEEP_ALIVE_SECONDS = 75.0


class _Answer(ServerHandler):
    """wsgiref's handler for one request, noting whether the connection may carry another."""

    reusable = False
    # Set by wsgiref for each answer (its type stubs do not declare them).
    headers: Any
    status: str
    request_handler: WSGIRequestHandler

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        # A client finds the end of an answer by its length (204 has no body at all).
        self.reusable = "Content-Length" in self.headers or self.status.startswith("204")


class _Handler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = KEEP_ALIVE_SECONDS  # an idle kept connection is closed (TimeoutError below)
    # wsgiref writes an answer in several sends; on a kept connection Nagle's algorithm would
    # hold the last one back until the client's delayed ACK (40 ms), which closing hid.
    disable_nagle_algorithm = True
    _abort_kind: str | None = None

    @property
    def _server(self) -> ThreadingWSGIServer:
        return cast(ThreadingWSGIServer, self.server)

    def handle(self) -> None:
        # BaseHTTPRequestHandler's loop (wsgiref's handle() answers one request and returns).
        self._server.opened(self.connection)
        try:
            BaseHTTPRequestHandler.handle(self)
        finally:
            self._server.closed(self.connection)

    def handle_one_request(self) -> None:
        """One request on the connection, through the WSGI app, as wsgiref serves it."""
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except OSError:  # TimeoutError among them
            self.close_connection = True  # idle past the keep-alive timeout, or gone
            return
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():  # parse_request sent the error
            return
        body = self._body()
        if body is None:
            self.send_error(400, "Bad Content-Length")
            self.close_connection = True  # where this request ends is unknown
            return
        answer = _Answer(
            body,
            cast(IO[bytes], self.wfile),
            self.get_stderr(),
            self.get_environ(),
            multithread=False,
        )
        answer.http_version = self.request_version.removeprefix("HTTP/")
        answer.request_handler = self  # wsgiref logs through it
        answer.run(cast(SimulatorApp, self._server.get_app()))
        if not answer.reusable or self._abort_kind is not None:
            self.close_connection = True

    def _body(self) -> IO[bytes] | None:
        """The request's body, read here whole so that the next request starts where this one
        ends whatever the app reads (a body in chunks is the app's to read, then the end);
        None if its length is not a number."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return cast(IO[bytes], self.rfile)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        return BytesIO(self.rfile.read(length) if length > 0 else b"")

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-request is routine here (fault tests do it on purpose).
        pass

    def opened(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.add(connection)

    def closed(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(connection)

    def close_kept(self) -> None:
        """End every kept connection: a stopped simulator answers nothing more, on an old
        connection either."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


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
            self._httpd.close_kept()
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
