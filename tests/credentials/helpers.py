"""Shared by tests/team, tests/credentials and tests/core: panel users, the simulator's
control API (over real HTTP) and audit look-ups."""

from __future__ import annotations

import json
import socket
import urllib.request
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection

from panel.audit.models import AuditEntry
from panel.core.actor import Actor
from panel.credentials.models import BigVCredential
from panel.credentials.services import credentials_connect_api_key

PANEL_PASSWORD = "panel-pw-for-tests-9f3k"


def make_user(username: str, password: str = PANEL_PASSWORD, **extra: Any) -> Any:
    return get_user_model().objects.create_user(username=username, password=password, **extra)


def connect_key(user: Any, key: str) -> BigVCredential:
    return credentials_connect_api_key(actor=Actor.system(), user=user, api_key=key)


def sim_call(sim: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{sim.control_url}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"} if data is not None else {},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw.strip() else None


def sim_requests(sim: Any, since: int = 0) -> tuple[list[dict[str, Any]], int]:
    log = sim_call(sim, "GET", f"/requests?since={since}")
    return log["requests"], log["last_seq"]


def sim_last_seq(sim: Any) -> int:
    return sim_requests(sim)[1]


def expire_sessions(sim: Any, username: str) -> None:
    sim_call(sim, "POST", "/sessions/expire", {"username": username})


def audit(action: str, **filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("seq"))


def closed_port_url(path: str = "") -> str:
    """A loopback URL nothing listens on (the port was just free)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def database_text() -> str:
    """Every row of every table, as text: for "this secret is stored nowhere" checks."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from introspection)
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)
