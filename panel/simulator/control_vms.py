"""``/_sim/vms/{id}``: read a VM's internal state and set fields directly, bypassing rules."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from panel.simulator import power
from panel.simulator.model import VirtualMachine
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
    """E.g. ``{"ignore_acpi": true}`` or ``{"power_on": false}`` (no autoreboot, no rules)."""
    body = req.json()
    w = app.world
    with w.lock:
        power.tick(w)
        v = _vm(app, vm)
        for key, value in body.items():
            expected = DIRECT.get(key)
            if key in ("power_on", "activity"):
                continue
            if expected is None or not isinstance(value, expected):
                raise HttpError(json_response(400, {"error": f"cannot set {key!r} to {value!r}"}))
        for key, value in body.items():
            if key in DIRECT:
                setattr(v, key, value)
        if "activity" in body and body["activity"] is None:
            power.cancel(v)
        if "power_on" in body:
            power.cancel(v)
            if body["power_on"]:
                power.boot(v)
            else:
                v.power_on, v.running, v.head = False, None, None
        w.dirty = True
        return json_response(200, state(w, v))
