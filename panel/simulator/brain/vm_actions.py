"""Signal and reimage (docs/bigv-api.md §8.3, §8.4). Refusals are 400 with a field-shaped body
(§13, C2)."""

from __future__ import annotations

from panel.simulator import definitions as defs
from panel.simulator import power
from panel.simulator.brain.context import Ctx, find_vm, require
from panel.simulator.validation import Errors, add, check_choice
from panel.simulator.web import Response, Router, bad_request, json_response

SIGNALS = ["powerdown", "reset", "sendkey"]


def signal(ctx: Ctx, account: str, group: str, vm: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    require(ctx.access.write_vm(v))
    body = ctx.body()
    # The [DOCS] example also carries ?signal=powerdown in the query string.
    name = body.get("signal", ctx.request.query.get("signal"))
    errors: Errors = {}
    check_choice(name, SIGNALS, errors, "signal")
    data = body.get("data")
    if name == "sendkey" and not defs.sendkey_valid(data):
        add(errors, "data", "is invalid")
    if not errors and v.deleted:
        add(errors, "signal", "cannot be sent to a deleted virtual machine")
    elif not errors and not v.power_on:
        add(errors, "signal", "cannot be sent while the virtual machine is powered off")
    if errors:
        raise bad_request(errors)
    power.signal(ctx.world, v, str(name), data if isinstance(data, str) else None)
    echo: dict[str, object] = {"signal": name}
    if name == "sendkey":
        echo["data"] = data
    return json_response(200, echo)


def reimage(ctx: Ctx, account: str, group: str, vm: str) -> Response:
    """Only on a powered-off VM; when done the VM is on with autoreboot_on false ([D14])."""
    v = find_vm(ctx, account, group, vm)
    require(ctx.access.write_vm(v))
    body = ctx.body()
    errors: Errors = {}
    distribution = check_choice(
        body.get("distribution"), defs.DISTRIBUTIONS, errors, "distribution"
    )
    if "root_password" in body and not isinstance(body["root_password"], str):
        add(errors, "root_password", "is invalid")
    if v.deleted:
        add(errors, "deleted", "a deleted virtual machine cannot be reimaged")
    elif v.power_on:
        add(errors, "power_on", "must be false to reimage")
    elif not ctx.world.vm_discs[v.id]:
        add(errors, "distribution", "cannot be installed on a virtual machine without discs")
    if errors or distribution is None:
        raise bad_request(errors)
    power.schedule(ctx.world, v, power.REIMAGING, "reimage_seconds", distribution=distribution)
    # 200 echo of the spec ([DOCS]) without root_password (never echoed or stored).
    return json_response(200, {"distribution": distribution})


def register(router: Router) -> None:
    base = "/accounts/{account}/groups/{group}/virtual_machines/{vm}"
    router.add("POST", base + "/signal", signal)
    router.add("POST", base + "/reimage", reimage)
