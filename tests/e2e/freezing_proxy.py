"""A TCP proxy in front of the panel whose event-stream connections can go silent on demand.

``freeze_streams()`` stops forwarding on every connection open at that moment that carries an
event stream (its request line names ``/events``), in both directions, without closing it:
what a browser sees of a connection that died without a word (a laptop that slept, a router
that forgot it). Other connections, and every connection opened afterwards, pass as before.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class FreezingProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._streams: list[threading.Event] = []  # a frozen flag per stream connection
        self.stream_connections = 0
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze_streams(self) -> None:
        with self._lock:
            for frozen in self._streams:
                frozen.set()

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            frozen = threading.Event()
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(
                target=self._pump, args=(client, upstream, frozen, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(upstream, client, frozen, False), daemon=True
            ).start()

    def _pump(
        self, source: socket.socket, sink: socket.socket, frozen: threading.Event, request: bool
    ) -> None:
        marked = False
        with contextlib.suppress(OSError):
            while not self._stop.is_set():
                data = source.recv(65536)
                if not data:
                    break
                # A browser sends a stream's request on a connection it already holds, after
                # other requests: look at each request line (a stream's connection carries no
                # request after it).
                if request and not marked and b"/events" in data.split(b"\r\n", 1)[0]:
                    marked = True
                    with self._lock:
                        self._streams.append(frozen)
                        self.stream_connections += 1
                if frozen.is_set():
                    self._stop.wait()  # neither forwarded nor closed: silence, until stop()
                    return
                sink.sendall(data)
        # One side closed (uvicorn ends an idle keep-alive connection after 5 s): so does the
        # other, or the browser would send its next request into a connection nobody reads.
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
