"""HTTP helpers for the simulator's tests: raw ``http.client`` requests, never ``panel.bigv``."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from panel.simulator.server import SimulatorServer

SPEED = 50.0
_UNSET: Any = object()
VM = "/accounts/demo/groups/{group}/virtual_machines/{vm}"
ALLOWED_STATUSES = {200, 201, 202, 204, 400, 401, 403, 404, 500, 503}


@dataclass
class Resp:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


class Client:
    """One HTTP request per connection (the simulator answers HTTP/1.0 and closes)."""

    def __init__(self, base_url: str, token: str | None = None, log: list[Resp] | None = None):
        parts = urlsplit(base_url)
        self.host, self.port, self.prefix = parts.hostname or "", parts.port or 80, parts.path
        self.token = token
        self.log = log if log is not None else []

    def with_token(self, token: str | None) -> Client:
        return Client(f"http://{self.host}:{self.port}{self.prefix}", token, self.log)

    def request(
        self,
        method: str,
        path: str,
        body: Any = _UNSET,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10,
    ) -> Resp:
        sent = {"Accept": "application/json"}
        data = raw
        if body is not _UNSET:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        sent.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, self.prefix + path, body=data, headers=sent)
            response = conn.getresponse()
            resp = Resp(
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            conn.close()
        self.log.append(resp)
        return resp

    def get(self, path: str, **kw: Any) -> Resp:
        return self.request("GET", path, **kw)

    def put(self, path: str, body: Any = _UNSET, **kw: Any) -> Resp:
        return self.request("PUT", path, body, **kw)

    def post(self, path: str, body: Any = _UNSET, **kw: Any) -> Resp:
        return self.request("POST", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Resp:
        return self.request("DELETE", path, **kw)


class Control(Client):
    """The ``/_sim`` control API."""

    def advance(self, seconds: float) -> dict[str, Any]:
        return self.post("/clock/advance", {"seconds": seconds}).json()

    def vm(self, vm_id: int) -> dict[str, Any]:
        return self.get(f"/vms/{vm_id}").json()

    def patch_vm(self, vm_id: int, **fields: Any) -> dict[str, Any]:
        resp = self.request("PATCH", f"/vms/{vm_id}", fields)
        assert resp.status == 200, resp.text
        return resp.json()

    def fault(self, **spec: Any) -> int:
        resp = self.post("/faults", spec)
        assert resp.status == 201, resp.text
        return resp.json()["id"]

    def requests(self, since: int = 0) -> dict[str, Any]:
        return self.get(f"/requests?since={since}").json()


def login(sim: SimulatorServer, username: str, password: str, **extra: Any) -> str:
    resp = Client(sim.auth_url).post(
        "/session", {"username": username, "password": password, **extra}
    )
    assert resp.status == 200, resp.text
    return resp.text


def vm_id(sim: SimulatorServer, name: str, group: str = "", account: str = "demo") -> int:
    """A VM's id by name, read from the live world (under its lock)."""
    w = sim.world
    with w.lock:
        a = w.account_by_name[account]
        for g in w.account_groups(w.accounts[a]):
            if (not group or g.name == group) and name in w.vm_names[g.id]:
                return w.vm_names[g.id][name]
    raise KeyError(name)


def vm_path(group: str, vm: str, suffix: str = "") -> str:
    return VM.format(group=group, vm=vm) + suffix
