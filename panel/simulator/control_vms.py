"""``/_sim/vms/{id}`` and ``/_sim/groups/{id}``: read internal state and set fields directly,
bypassing every rule — names included, so tests can plant names the API would refuse (the
XSS corpus: ``<img src=x onerror=…>`` as a VM or group name)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from panel.simulator import power
from panel.simulator.model import Group, VirtualMachine
from panel.simulator.web import HttpError, Request, Response, json_response
from panel.simulator.world import World

if TYPE_CHECKING:
    from panel.simulator.app import SimulatorApp

# Fields a test may set directly (power_on and activity have their own handling below).
DIRECT: dict[str, type | tuple[type, ...]] = {
    "ignore_acpi": bool,
    "autoreboot_on": bool,
    "deleted": bool,
    "hardware_profile_locked": bool,
    "cores": int,
    "memory": int,
    "hardware_profile": str,
    "zone_name": str,
    "last_imaged_with": (str, type(None)),
    "cdrom_url": (str, type(None)),
    "keymap": (str, type(None)),
}


def state(world: World, vm: VirtualMachine) -> dict[str, Any]:
    out = asdict(vm)
    out["hostname"] = world.hostname(vm)
    out["pending"] = power.pending_changes(vm)
    out["activity_due_in"] = (
        None if vm.activity_due is None else max(0.0, vm.activity_due - world.now())
    )
    return out


def _vm(app: SimulatorApp, segment: str) -> VirtualMachine:
    vm = app.world.vms.get(int(segment)) if segment.isdigit() else None
    if vm is None:
        raise HttpError(json_response(404, {"error": "no such virtual machine"}))
    return vm


def get_vm(app: SimulatorApp, req: Request, vm: str) -> Response:
    with app.world.lock:
        power.tick(app.world)
        return json_response(200, state(app.world, _vm(app, vm)))


def patch_vm(app: SimulatorApp, req: Request, vm: str) -> Response:
    """E.g. ``{"ignore_acpi": true}``, ``{"power_on": false}`` (no autoreboot, no rules) or
    ``{"name": "<b>x</b>"}`` (any non-empty string not taken in its group)."""
    body = req.json()
    w = app.world
    with w.lock:
        power.tick(w)
        v = _vm(app, vm)
        for key, value in body.items():
            expected = DIRECT.get(key)
            if key in ("power_on", "activity", "name"):
                continue
            if expected is None or not isinstance(value, expected):
                raise HttpError(json_response(400, {"error": f"cannot set {key!r} to {value!r}"}))
        if "name" in body:
            _check_new_name(body["name"], w.vm_names[v.group_id], v.id)
        for key, value in body.items():
            if key in DIRECT:
                setattr(v, key, value)
        if "name" in body and body["name"] != v.name:
            w.rename_vm(v, body["name"])
        if "activity" in body and body["activity"] is None:
            power.cancel(v)
        if "power_on" in body:
            power.cancel(v)
            if body["power_on"]:
                power.boot(v)
            else:
                v.power_on, v.running, v.head, v.appliance = False, None, None, None
        w.dirty = True
        return json_response(200, state(w, v))


def _check_new_name(name: object, taken: dict[str, int], own_id: int) -> None:
    if not isinstance(name, str) or not name:
        raise HttpError(json_response(400, {"error": f"cannot set 'name' to {name!r}"}))
    if taken.get(name, own_id) != own_id:
        raise HttpError(json_response(400, {"error": f"name {name!r} is taken"}))


def _group(app: SimulatorApp, segment: str) -> Group:
    group = app.world.groups.get(int(segment)) if segment.isdigit() else None
    if group is None:
        raise HttpError(json_response(404, {"error": "no such group"}))
    return group


def _group_state(group: Group) -> dict[str, Any]:
    return {"id": group.id, "account_id": group.account_id, "name": group.name}


def get_group(app: SimulatorApp, req: Request, group: str) -> Response:
    with app.world.lock:
        return json_response(200, _group_state(_group(app, group)))


def patch_group(app: SimulatorApp, req: Request, group: str) -> Response:
    """``{"name": …}``: rename without the API's DNS-label rule."""
    body = req.json()
    w = app.world
    with w.lock:
        g = _group(app, group)
        unknown = set(body) - {"name"}
        if unknown:
            raise HttpError(json_response(400, {"error": f"cannot set {sorted(unknown)}"}))
        if "name" in body:
            _check_new_name(body["name"], w.group_names[g.account_id], g.id)
            if body["name"] != g.name:
                w.rename_group(g, body["name"])
        w.dirty = True
        return json_response(200, _group_state(g))
