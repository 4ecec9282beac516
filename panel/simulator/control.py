"""The test-control API under ``/_sim`` (JSON, no auth; documented in README.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from panel.simulator import auth, power, seed
from panel.simulator.control_vms import get_group, get_vm, patch_group, patch_vm
from panel.simulator.web import (
    Handler,
    HttpError,
    Request,
    Response,
    Router,
    json_response,
    no_content,
)

if TYPE_CHECKING:
    from panel.simulator.app import SimulatorApp


def _error(status: int, message: str) -> HttpError:
    return HttpError(json_response(status, {"error": message}))


def info(app: SimulatorApp, req: Request) -> Response:
    w = app.world
    with w.lock:
        power.tick(w)
        counts = {
            name: len(getattr(w, name))
            for name in ("accounts", "groups", "vms", "users", "sessions")
        }
        return json_response(
            200, {"now": w.now(), "speed": w.speed, "timings": w.timings, "counts": counts}
        )


def reset(app: SimulatorApp, req: Request) -> Response:
    app.reset()
    return json_response(200, {"reset": True})


def requests_since(app: SimulatorApp, req: Request) -> Response:
    since = req.query.get("since", "0")
    return json_response(200, app.log.since(int(since) if since.isdigit() else 0))


def clear_requests(app: SimulatorApp, req: Request) -> Response:
    app.log.clear()
    return no_content()


def add_fault(app: SimulatorApp, req: Request) -> Response:
    try:
        fault = app.faults.add(req.json())
    except (ValueError, TypeError) as exc:
        raise _error(400, str(exc)) from None
    return json_response(201, fault.describe())


def list_faults(app: SimulatorApp, req: Request) -> Response:
    return json_response(200, app.faults.list())


def clear_faults(app: SimulatorApp, req: Request) -> Response:
    app.faults.clear()
    return no_content()


def delete_fault(app: SimulatorApp, req: Request, fault: str) -> Response:
    if not (fault.isdigit() and app.faults.remove(int(fault))):
        raise _error(404, "no such fault")
    return no_content()


def wait_fault(app: SimulatorApp, req: Request, fault: str) -> Response:
    body = req.json()
    timeout, count = float(body.get("timeout", 5)), int(body.get("count", 1))
    result = app.faults.wait(int(fault), timeout, count) if fault.isdigit() else None
    if result is None:
        raise _error(404, "no such fault")
    return json_response(200, result)


def add_barrier(app: SimulatorApp, req: Request) -> Response:
    try:
        barrier = app.barriers.add(req.json())
    except (ValueError, TypeError) as exc:
        raise _error(400, str(exc)) from None
    return json_response(201, barrier.describe())


def list_barriers(app: SimulatorApp, req: Request) -> Response:
    return json_response(200, app.barriers.list())


def get_barrier(app: SimulatorApp, req: Request, name: str) -> Response:
    found = app.barriers.describe(name)
    if found is None:
        raise _error(404, "no such barrier")
    return json_response(200, found)


def wait_barrier(app: SimulatorApp, req: Request, name: str) -> Response:
    """Block until ``count`` (default 1) requests are held; 200 ``{"timeout": true}`` if not."""
    body = req.json()
    result = app.barriers.wait(name, float(body.get("timeout", 5)), int(body.get("count", 1)))
    if result is None:
        raise _error(404, "no such barrier")
    return json_response(200, result)


def release_barrier(app: SimulatorApp, req: Request, name: str) -> Response:
    if not app.barriers.release(name):
        raise _error(404, "no such barrier")
    return json_response(200, app.barriers.describe(name))


def delete_barrier(app: SimulatorApp, req: Request, name: str) -> Response:
    if not app.barriers.release(name, remove=True):
        raise _error(404, "no such barrier")
    return no_content()


def clock(app: SimulatorApp, req: Request) -> Response:
    return json_response(200, {"now": app.world.now(), "offset": app.world.clock.offset})


def advance_clock(app: SimulatorApp, req: Request) -> Response:
    seconds = req.json().get("seconds", 0)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise _error(400, "seconds must be a non-negative number")
    w = app.world
    with w.lock:
        w.clock.advance(float(seconds))
        completed = power.tick(w)
        w.dirty = True
        return json_response(
            200, {"now": w.now(), "offset": w.clock.offset, "completed": completed}
        )


def set_speed(app: SimulatorApp, req: Request) -> Response:
    body = req.json()
    w = app.world
    with w.lock:
        if "speed" in body:
            speed = body["speed"]
            if isinstance(speed, bool) or not isinstance(speed, int | float) or speed <= 0:
                raise _error(400, "speed must be a positive number")
            w.speed = float(speed)
        for name, value in (body.get("timings") or {}).items():
            if name not in w.timings or not isinstance(value, int | float) or value < 0:
                raise _error(400, f"bad timing {name!r}")
            w.timings[name] = float(value)
        w.dirty = True
        return json_response(200, {"speed": w.speed, "timings": w.timings})


def mint_session(app: SimulatorApp, req: Request) -> Response:
    """A session token for a user without a password round trip (benchmarks, fixtures)."""
    body = req.json()
    w = app.world
    with w.lock:
        user = w.user_named(str(body.get("username")))
        if user is None:
            raise _error(404, "no such user")
        factors = body.get("factors") or ["password"]
        session = auth.create_session(
            w, user, list(factors), float(body.get("validity", auth.SESSION_SLIDE))
        )
        w.dirty = True
        return json_response(201, {"token": session.token, "expires_at": session.expires_at})


def expire_sessions(app: SimulatorApp, req: Request) -> Response:
    username = req.json().get("username")
    w = app.world
    with w.lock:
        doomed = [t for t, s in w.sessions.items() if username is None or s.username == username]
        for token in doomed:
            del w.sessions[token]
        w.dirty = True
    return json_response(200, {"expired": len(doomed)})


def populate(app: SimulatorApp, req: Request) -> Response:
    body = req.json()
    count = body.get("vms", 100)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 50_000:
        raise _error(400, "vms must be an integer between 0 and 50000")
    w = app.world
    with w.lock:
        try:
            g = seed.populate(
                w,
                str(body.get("account", "demo")),
                str(body.get("group", "bulk")),
                count,
                float(body.get("power_on_ratio", 0.7)),
            )
        except KeyError as exc:
            raise _error(404, str(exc)) from None
        w.dirty = True
        return json_response(
            201, {"group": asdict(g), "created": count, "vms": len(w.vm_names[g.id])}
        )


def add_user(app: SimulatorApp, req: Request) -> Response:
    w = app.world
    with w.lock:
        try:
            user = seed.add_user(w, req.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise _error(400, f"bad user spec: {exc}") from None
        w.dirty = True
        return json_response(201, {"id": user.id, "username": user.username})


ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/_sim", info),
    ("POST", "/_sim/reset", reset),
    ("GET", "/_sim/requests", requests_since),
    ("DELETE", "/_sim/requests", clear_requests),
    ("POST", "/_sim/faults", add_fault),
    ("GET", "/_sim/faults", list_faults),
    ("DELETE", "/_sim/faults", clear_faults),
    ("DELETE", "/_sim/faults/{fault}", delete_fault),
    ("POST", "/_sim/faults/{fault}/wait", wait_fault),
    ("POST", "/_sim/barriers", add_barrier),
    ("GET", "/_sim/barriers", list_barriers),
    ("GET", "/_sim/barriers/{name}", get_barrier),
    ("POST", "/_sim/barriers/{name}/wait", wait_barrier),
    ("POST", "/_sim/barriers/{name}/release", release_barrier),
    ("DELETE", "/_sim/barriers/{name}", delete_barrier),
    ("GET", "/_sim/vms/{vm}", get_vm),
    ("PATCH", "/_sim/vms/{vm}", patch_vm),
    ("PUT", "/_sim/vms/{vm}", patch_vm),
    ("GET", "/_sim/groups/{group}", get_group),
    ("PATCH", "/_sim/groups/{group}", patch_group),
    ("GET", "/_sim/clock", clock),
    ("POST", "/_sim/clock/advance", advance_clock),
    ("POST", "/_sim/speed", set_speed),
    ("POST", "/_sim/sessions", mint_session),
    ("POST", "/_sim/sessions/expire", expire_sessions),
    ("POST", "/_sim/populate", populate),
    ("POST", "/_sim/users", add_user),
]
ROUTER = Router()
for _method, _path, _handler in ROUTES:
    ROUTER.add(_method, _path, _handler)


def handle(app: SimulatorApp, request: Request) -> Response:
    match = ROUTER.match(request.method, request.segments)
    if match is None:
        raise _error(404, "unknown control endpoint")
    handler, params = match
    try:
        return handler(app, request, **params)
    except (ValueError, TypeError, KeyError) as exc:
        # A malformed control body (e.g. {"timeout": "soon"}) is the caller's mistake.
        raise _error(400, f"bad request: {exc}") from None
