"""The simulator's control API, as a drill uses it: a fresh world, faults, the request log."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

# Every path of the brain (not its auth service, not the control API): what "BigV is down"
# means to the panel.
BRAIN = r"^/(accounts|groups|virtual_machines|ips|definitions|privileges|users|discs)"


class Control:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (the drill's own loopback simulator)
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            raw = response.read()
        return json.loads(raw) if raw else None

    def vm(self, vm_id: int) -> dict[str, Any]:
        return dict(self.call("GET", f"/vms/{vm_id}"))

    def requests_since(self, seq: int) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/requests?since={seq}")["requests"])

    def last_seq(self) -> int:
        return int(self.call("GET", "/requests?since=999999999")["last_seq"])

    def outage(self, action: str, **spec: Any) -> None:
        """Every brain request fails this way until ``clear_faults``."""
        self.call("POST", "/faults", {"method": "*", "path": BRAIN, "action": action, **spec})

    def clear_faults(self) -> None:
        self.call("DELETE", "/faults")
