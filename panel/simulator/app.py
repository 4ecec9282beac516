"""The WSGI application: one port for the brain (``/``), auth (``/auth``) and control (``/_sim``).

Order for brain/auth requests: fault injection -> barriers -> (under the world lock) due
transitions are completed, the request is handled -> the request log. Control requests
skip faults, barriers and the log so tests can always steer the simulator.
"""

from __future__ import annotations

import hashlib
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from panel.simulator import auth, brain, control, power, seed
from panel.simulator.faults import BarrierRegistry, Fault, FaultRegistry
from panel.simulator.reqlog import RequestLog
from panel.simulator.web import JSON_TYPE, TEXT_TYPE, HttpError, Request, Response, text_response
from panel.simulator.world import World

StartResponse = Callable[..., Any]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _fault_response(fault: Fault) -> Response:
    body = fault.body if fault.body is not None else '{"error": "simulated fault"}'
    ctype = fault.content_type or (JSON_TYPE if body.lstrip().startswith(("{", "[")) else TEXT_TYPE)
    return Response(fault.status, body.encode(), ctype, list(fault.headers.items()))


class SimulatorApp:
    def __init__(self, world: World, *, seed_name: str = "demo", speed: float = 1.0) -> None:
        self.world = world
        self.seed_name = seed_name
        self.speed = speed
        self.faults = FaultRegistry()
        self.barriers = BarrierRegistry()
        self.log = RequestLog()

    # ---- lifecycle -------------------------------------------------------------------
    def reset(self) -> None:
        """A freshly seeded world; faults, barriers, the request log and sessions cleared."""
        self.world.reset_from(seed.build(self.seed_name, self.speed))
        self.faults.clear()
        self.barriers.release_all()
        self.log.clear()

    def shutdown(self) -> None:
        """Let every held request go (hung faults and barriers) so threads can finish."""
        self.faults.clear()
        self.barriers.release_all()

    # ---- WSGI ------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            request = Request.from_environ(environ)
            if request.segments[:1] == ["_sim"]:
                response = control.handle(self, request)
            else:
                response = self._serve(environ, request)
        except HttpError as exc:
            response = exc.response
        headers = list(response.headers)
        if response.status != 204:
            headers.append(("Content-Type", response.content_type or TEXT_TYPE))
            headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {_reason(response.status)}", headers)
        return [response.body] if response.status != 204 else []

    def _serve(self, environ: dict[str, Any], request: Request) -> Response:
        service = "auth" if request.segments[:1] == ["auth"] else "brain"
        fault = self.faults.match(request.method, request.raw_path)
        if fault is not None:
            if fault.action == "status":
                response = _fault_response(fault)
                self._record(request, service, response.status, None, None, fault.id)
                return response
            if fault.action == "delay":
                time.sleep(fault.seconds)
            else:
                self._abort(environ, request, service, fault)
        self.barriers.arrive(request.method, request.raw_path)
        world = self.world
        user: str | None = None
        kind: str | None = None
        with world.lock:
            power.tick(world)
            try:
                if service == "auth":
                    response, user = auth.handle(world, request)
                    kind = "session" if len(request.segments) == 3 else None
                else:
                    user, kind = auth.token_owner(world, request)
                    response = brain.handle(world, request)
            except HttpError as exc:
                response = exc.response
            except Exception:
                traceback.print_exc(file=sys.stderr)
                response = text_response(500, "Internal Server Error")
            if request.method != "GET":
                world.dirty = True
        self._record(request, service, response.status, user, kind, None)
        return response

    def _abort(self, environ: dict[str, Any], request: Request, service: str, fault: Fault) -> None:
        """drop / reset / hang: the client gets no HTTP response at all."""
        self._record(request, service, None, None, None, fault.id)
        if fault.action == "hang":
            fault.released.wait()
        abort = environ.get("sim.abort")
        if abort is not None:
            abort("reset" if fault.action == "reset" else "drop")
        # wsgiref's handler treats this as a vanished client and writes nothing.
        raise ConnectionAbortedError(f"simulated {fault.action}")

    def _record(
        self,
        request: Request,
        service: str,
        status: int | None,
        user: str | None,
        kind: str | None,
        fault_id: int | None,
    ) -> None:
        path = request.raw_path
        if service == "auth" and len(request.segments) == 3:
            path = "/auth/session/{token}"  # the auth service carries the token in the URL
        self.log.record(
            method=request.method,
            path=path,
            query=request.query_string,
            status=status,
            user=user,
            token_kind=kind,
            service=service,
            fault=fault_id,
            ts=self.world.now(),
            # What was sent, as a fingerprint: enough to see the same write twice, and
            # nothing (a password, a key) that the log must not hold.
            body_sha256=hashlib.sha256(request.body).hexdigest()[:16] if request.body else "",
        )
