"""``/healthz``: is this instance able to serve? For load balancers, compose and monitoring.

Three checks — the database, Redis, and the BigV brain (``GET /definitions``: public, no
token) — each bounded by a short timeout; and, under ``make run``, the processes its
supervisor keeps running, with how often each was restarted. 200 when all pass, 503
otherwise; the JSON body names each check with its outcome and duration. It needs no login
and says nothing an outsider could use: no URLs, no versions, no error text beyond the
exception's class name (a message may quote a connection string with its password).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from panel.credentials.clients import probe_definitions
from panel.runtime.supervisor import read_status

REDIS_TIMEOUT = 2.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    duration_ms: float
    error: str = ""

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"ok": self.ok, "duration_ms": self.duration_ms}
        if self.error:
            body["error"] = self.error
        return body


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> None:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()


def check_bigv_api() -> None:
    probe_definitions()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "redis": check_redis,
    "bigv_api": check_bigv_api,
}


def run_check(name: str, check: Callable[[], None]) -> CheckResult:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # any failure is "not healthy"; the class name says which
        return CheckResult(name, False, _ms_since(started), type(error).__name__)
    return CheckResult(name, True, _ms_since(started))


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def supervised() -> dict[str, dict[str, object]] | None:
    """Under ``make run``: each process the supervisor runs — running or not, and how often
    it was started again (``panel.runtime.supervisor``). None elsewhere."""
    path = getattr(settings, "PANEL_STACK_STATUS", "")
    status = read_status(Path(path)) if path else None
    if status is None:
        return None
    return {
        name: {key: child.get(key) for key in ("running", "restarts", "last_exit")}
        for name, child in status["processes"].items()
    }


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    results = [run_check(name, check) for name, check in CHECKS.items()]
    healthy = all(result.ok for result in results)
    body: dict[str, object] = {"checks": {result.name: result.as_json() for result in results}}
    processes = supervised()
    if processes is not None:
        body["processes"] = processes
        healthy = healthy and all(child["running"] for child in processes.values())
    body = {"status": "ok" if healthy else "unavailable", **body}
    return JsonResponse(body, status=200 if healthy else 503)
