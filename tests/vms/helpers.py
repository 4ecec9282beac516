"""The simulator's control API over real HTTP, and look-ups the VM tests share."""

from __future__ import annotations

import html
import json
import re
import urllib.request
from typing import Any

from django.urls import reverse

from panel.audit.models import AuditEntry

HTMX = {"HTTP_HX_REQUEST": "true"}


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


def sim_vm(sim: Any, vm_id: int) -> dict[str, Any]:
    return sim_call(sim, "GET", f"/vms/{vm_id}")


def sim_patch(sim: Any, vm_id: int, **fields: Any) -> dict[str, Any]:
    return sim_call(sim, "PATCH", f"/vms/{vm_id}", fields)


def fault(sim: Any, method: str, path: str, **spec: Any) -> None:
    sim_call(sim, "POST", "/faults", {"method": method, "path": path, **spec})


def brain_requests(sim: Any) -> list[dict[str, Any]]:
    """Requests the brain received since the log was last cleared (control calls excluded)."""
    log = sim_call(sim, "GET", "/requests")
    entries = log["requests"] if isinstance(log, dict) else log
    return [r for r in entries if not r["path"].startswith(("/_sim", "/auth"))]


def clear_requests(sim: Any) -> None:
    """Start counting from here. The definitions are fetched first: they are cached for
    everyone, so a page or an action reading them from the cache makes no request."""
    from panel.credentials.clients import definitions

    definitions()
    sim_call(sim, "DELETE", "/requests")


def vm_path(name: str, group: str = "web") -> str:
    """The API path of a VM by the names in the panel's URL (what direct actions address)."""
    return f"/accounts/demo/groups/{group}/virtual_machines/{name}"


def writes_after_read(sim: Any, name: str, group: str = "web") -> list[dict[str, Any]]:
    """The requests the brain received after the action's first one, which must be the read
    of the VM by its URL's names, deleted ones included (every direct action reads first)."""
    requests = brain_requests(sim)
    assert requests, "no request reached the brain"
    read, *rest = requests
    assert (read["method"], read["path"]) == ("GET", vm_path(name, group)), requests
    assert "include_deleted=true" in str(read["query"]), read
    return rest


def vm_id_of(sim: Any, name: str) -> int:
    """The simulator's id of a VM by name (seeded names are unique across the demo world)."""
    world = sim.world
    with world.lock:
        ids = [vm.id for vm in world.vms.values() if vm.name == name]
    assert len(ids) == 1, f"{name}: {ids}"
    return ids[0]


def vm_url(name: str, action: str = "detail", group: str = "web", **extra: Any) -> str:
    return reverse(f"vms:{action}", kwargs={"account": "demo", "group": group, "vm": name, **extra})


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def last_entry(action: str) -> AuditEntry:
    found = entries(action)
    assert found, f"no audit entry for {action}"
    return found[-1]


def text(response: Any) -> str:
    """The response's HTML with tags removed and whitespace collapsed, for wording checks."""
    markup = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def vm_addresses(sim: Any, name: str) -> list[str]:
    """Every address of a VM's interfaces (primary and routed extras) in the simulator."""
    world = sim.world
    with world.lock:
        vm = world.vms[vm_id_of(sim, name)]
        return [ip for nic in world.vm_nics_of(vm) for ip in (*nic.ips, *nic.extra_ips)]


def start_busy_operation(user: Any, name: str = "web1") -> Any:
    """An active operation on a VM, started as the UI's confirm step does. No worker runs in
    these tests, so it stays pending: the VM is busy until the test ends."""
    from panel.vm_changes.services import plan_spec_change
    from tests.operations.helpers import plan_and_start, ref

    return plan_and_start(user, plan_spec_change, ref=ref(name), cores=4)


def disc_ids(sim: Any, name: str) -> list[int]:
    world = sim.world
    with world.lock:
        vm = world.vms[vm_id_of(sim, name)]
        return [disc.id for disc in world.vm_discs_of(vm)]
