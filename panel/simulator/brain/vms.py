"""Virtual machines: reads, PUT (update / power / move / undelete) and DELETE (docs/bigv-api.md
§7.4, §8).

PUT behaves like PATCH: absent attributes are unchanged and unknown ones are discarded
([D14] notes/other.md; §4.1). The running-VM rule (§8.5): while the VM is
powered on (before this request), increases of cores/memory are accepted and stay pending
until the next power-off -> power-on (a reset signal does not apply them); decreases,
hardware profile changes and moves are refused with 400.
"""

from __future__ import annotations

from typing import Any

from panel.simulator import appliance, backups, power, render
from panel.simulator.brain.context import (
    Ctx,
    find_group,
    find_vm,
    find_vm_by_id,
    int_filter,
    require,
)
from panel.simulator.model import Group, VirtualMachine
from panel.simulator.validation import Errors, add, vm_attributes
from panel.simulator.web import Response, Router, bad_request, json_response, no_content

ON = "cannot be changed while the virtual machine is powered on"


def _list(ctx: Ctx, groups: list[Group]) -> Response:
    world, access = ctx.world, ctx.access
    out = [
        render.vm(world, v, embed=ctx.overview)
        for g in groups
        for v in world.group_vms(g)
        if (ctx.include_deleted or not v.deleted) and access.read_vm(v)
    ]
    return json_response(200, out)


def list_vms(ctx: Ctx, account: str, group: str) -> Response:
    return _list(ctx, [find_group(ctx, account, group)])


def list_vms_flat(ctx: Ctx) -> Response:
    world, q = ctx.world, ctx.request.query
    account_id, group_id = int_filter(ctx, "account_id"), int_filter(ctx, "group_id")
    if group_id is not None:
        candidates = [world.groups[group_id]] if group_id in world.groups else []
    else:
        candidates = sorted(world.groups.values(), key=lambda g: g.id)
    groups = [
        g
        for g in candidates
        if (account_id is None or g.account_id == account_id)
        and ("account_name" not in q or world.accounts[g.account_id].name == q["account_name"])
        and ("group_name" not in q or g.name == q["group_name"])
        and ctx.access.read_group(g)
    ]
    return _list(ctx, groups)


def get_vm(ctx: Ctx, account: str, group: str, vm: str) -> Response:
    # A single VM always embeds discs and NICs, like the published example (§6.3).
    return json_response(200, render.vm(ctx.world, find_vm(ctx, account, group, vm), embed=True))


def get_vm_flat(ctx: Ctx, vm: str) -> Response:
    return json_response(200, render.vm(ctx.world, find_vm_by_id(ctx, vm), embed=True))


def _target_group(ctx: Ctx, v: VirtualMachine, raw: Any, errors: Errors) -> Group | None:
    """The group a PUT moves the VM to, or None when it stays (BC always sends group_id)."""
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        add(errors, "group_id", "is not a number")
        return None
    target = ctx.world.groups.get(raw)
    if target is None or not ctx.access.read_group(target):
        add(errors, "group_id", "is invalid")
        return None
    if target.id == v.group_id:
        return None
    # [VMDOC]: the requester must be at least group administrator for both groups.
    require(ctx.access.admin_group(ctx.world.groups[v.group_id]) and ctx.access.admin_group(target))
    return target


def _check(
    ctx: Ctx, v: VirtualMachine, body: dict[str, Any]
) -> tuple[dict[str, Any], Group | None, dict[str, Any] | None]:
    """The changes, the group it moves to, and the appliance this PUT boots into."""
    errors: Errors = {}
    changes = vm_attributes(body, errors, zone=v.zone_name)
    booting = appliance.check(v, body, errors) if "appliance" in body else None
    target = _target_group(ctx, v, body["group_id"], errors) if "group_id" in body else None
    if v.power_on:
        for key in ("cores", "memory"):
            if key in changes and changes[key] < getattr(v, key):
                add(errors, key, "cannot be reduced while the virtual machine is powered on")
        if changes.get("hardware_profile", v.hardware_profile) != v.hardware_profile:
            add(errors, "hardware_profile", ON)
        if target is not None:
            add(errors, "group_id", ON)
    if v.activity in power.IMAGING and changes.get("power_on", v.power_on) != v.power_on:
        add(errors, "power_on", "cannot be changed while the virtual machine is being imaged")
    if changes.get("power_on") and not v.power_on and backups.vm_restoring(ctx.world, v):
        add(errors, "power_on", "cannot be set while a disc is being restored from a backup")
    name = changes.get("name", v.name)
    dest = target.id if target else v.group_id
    if ctx.world.vm_names[dest].get(name, v.id) != v.id:
        add(errors, "name", "has already been taken")
    if errors:
        raise bad_request(errors)
    return changes, target, booting


def _update(ctx: Ctx, v: VirtualMachine) -> Response:
    world = ctx.world
    require(ctx.access.write_vm(v))
    body = ctx.body()
    if "deleted" in body and body["deleted"] is not False:
        raise bad_request({"deleted": ["can only be set to false (use DELETE to delete)"]})
    undelete = v.deleted and "deleted" in body
    if v.deleted and not undelete:
        raise bad_request(
            {"deleted": ['the virtual machine is deleted: send {"deleted": false} first']}
        )
    if undelete:
        require(ctx.access.admin_group(world.groups[v.group_id]))
    changes, target, booting = _check(ctx, v, body)
    if undelete:
        # Undelete keeps the VM powered off; it comes back as it was taken down.
        v.deleted, v.deleted_at = False, None
    if "name" in changes and changes["name"] != v.name:
        world.rename_vm(v, changes["name"])
    if target is not None:
        world.move_vm(v, target)
    for key, value in changes.items():
        if key not in ("name", "power_on", "zone_name"):
            setattr(v, key, value)
    appliance.apply(v, body, booting)
    power.set_power(world, v, changes.get("power_on"), booting)
    return json_response(200, render.vm(world, v, embed=False))


def update_vm(ctx: Ctx, account: str, group: str, vm: str) -> Response:
    return _update(ctx, find_vm(ctx, account, group, vm))


def delete_vm(ctx: Ctx, account: str, group: str, vm: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    world = ctx.world
    require(ctx.access.admin_group(world.groups[v.group_id]))
    if ctx.request.flag("purge"):
        world.purge_vm(v)
    elif not v.deleted:
        # Soft delete: taken down, hidden without include_deleted, can be undeleted.
        # Deleting an already deleted VM is a no-op 204, so a retried DELETE is safe.
        power.take_down(v)
        v.deleted, v.deleted_at = True, world.now()
    return no_content()


def register(router: Router) -> None:
    base = "/accounts/{account}/groups/{group}/virtual_machines"
    router.add("GET", base, list_vms)
    router.add("GET", base + "/{vm}", get_vm)
    router.add("PUT", base + "/{vm}", update_vm)
    router.add("DELETE", base + "/{vm}", delete_vm)
    router.add("GET", "/virtual_machines", list_vms_flat)
    router.add("GET", "/virtual_machines/{vm}", get_vm_flat)
