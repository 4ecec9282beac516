"""Discs (docs/bigv-api.md §7.5, §9): sizes in MiB, grow-only, at most 8 per VM, delete only
with purge=true.

Discs of a deleted VM cannot change ([D14]). Adding or growing a disc on a running VM is
accepted ([D14]: visible to the guest after a restart).
"""

from __future__ import annotations

from typing import Any

from panel.simulator import render
from panel.simulator.brain.context import (
    Ctx,
    find_disc,
    find_vm,
    int_filter,
    require,
    visible_vm,
)
from panel.simulator.model import Disc, VirtualMachine
from panel.simulator.validation import MAX_DISCS, Errors, add, disc_attributes, next_disc_label
from panel.simulator.web import (
    Response,
    Router,
    bad_request,
    json_response,
    no_content,
    not_found,
    server_error,
)


def _writable(ctx: Ctx, v: VirtualMachine) -> None:
    require(ctx.access.write_vm(v))
    if v.deleted:
        raise bad_request(
            {"deleted": ["discs cannot be changed while the virtual machine is deleted"]}
        )


def list_discs(ctx: Ctx, account: str, group: str, vm: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    return json_response(200, [render.disc(d) for d in ctx.world.vm_discs_of(v)])


def get_disc(ctx: Ctx, account: str, group: str, vm: str, disc: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    return json_response(200, render.disc(find_disc(ctx, v, disc)))


def create_disc(ctx: Ctx, account: str, group: str, vm: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    _writable(ctx, v)
    world = ctx.world
    errors: Errors = {}
    attrs = disc_attributes(ctx.body(), errors, creating=True)
    labels = [d.label for d in world.vm_discs_of(v)]
    label = attrs.pop("label", None) or next_disc_label(labels)
    if label in labels:
        add(errors, "label", "has already been taken")
    if len(labels) >= MAX_DISCS:
        add(errors, "virtual_machine", f"cannot have more than {MAX_DISCS} discs")
    if errors:
        raise bad_request(errors)
    d = world.add_disc(v, label, attrs.pop("size"), attrs.pop("storage_grade"), **attrs)
    # POST discs -> 201, the generic create rule (§13, C10).
    return json_response(201, render.disc(d))


def _move_target(
    ctx: Ctx, v: VirtualMachine, d: Disc, raw: Any, label: str, errors: Errors
) -> VirtualMachine | None:
    """PUT virtual_machine_id: both VMs off, boot disc stays (BC update disc help)."""
    world = ctx.world
    target = world.vms.get(raw) if isinstance(raw, int) and not isinstance(raw, bool) else None
    if target is None or not ctx.access.read_vm(target) or target.deleted:
        add(errors, "virtual_machine_id", "is invalid")
        return None
    if target.id == v.id:
        return None
    require(ctx.access.write_vm(target))
    if v.power_on or target.power_on:
        add(errors, "virtual_machine_id", "both virtual machines must be powered off")
    if world.vm_discs[v.id][0] == d.id:
        add(errors, "virtual_machine_id", "the boot disc cannot be moved")
    if len(world.vm_discs[target.id]) >= MAX_DISCS:
        add(errors, "virtual_machine_id", f"cannot have more than {MAX_DISCS} discs")
    if any(o.label == label for o in world.vm_discs_of(target)):
        add(errors, "label", "has already been taken")
    return target


def update_disc(ctx: Ctx, account: str, group: str, vm: str, disc: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    d = find_disc(ctx, v, disc)
    _writable(ctx, v)
    world = ctx.world
    body = ctx.body()
    errors: Errors = {}
    attrs = disc_attributes(body, errors, creating=False)
    if attrs.get("size", d.size) < d.size:
        add(errors, "size", "cannot be reduced")
    if attrs.get("label", d.label) != d.label and any(
        o.label == attrs["label"] for o in world.vm_discs_of(v)
    ):
        add(errors, "label", "has already been taken")
    target = (
        _move_target(ctx, v, d, body["virtual_machine_id"], attrs.get("label", d.label), errors)
        if "virtual_machine_id" in body
        else None
    )
    if errors:
        raise bad_request(errors)
    d.size = attrs.get("size", d.size)
    d.label = attrs.get("label", d.label)
    if target is not None:
        world.vm_discs[v.id].remove(d.id)
        world.vm_discs[target.id].append(d.id)
        d.vm_id = target.id
    return json_response(200, render.disc(d))


def _delete(ctx: Ctx, v: VirtualMachine, d: Disc) -> Response:
    _writable(ctx, v)
    if not ctx.request.flag("purge"):
        # Documented quirk ([DOCS] discs; [D14]): without purge=true the brain answers 500.
        raise server_error("Discs can only be deleted with purge=true")
    ctx.world.remove_disc(d)
    return no_content()


def delete_disc(ctx: Ctx, account: str, group: str, vm: str, disc: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    return _delete(ctx, v, find_disc(ctx, v, disc))


def _flat(ctx: Ctx, disc: str) -> tuple[VirtualMachine, Disc]:
    d = ctx.world.discs.get(int(disc)) if disc.isdigit() else None
    if d is None:
        raise not_found()
    return visible_vm(ctx, ctx.world.vms[d.vm_id]), d


def list_discs_flat(ctx: Ctx) -> Response:
    world, q = ctx.world, ctx.request.query
    vm_id = int_filter(ctx, "vm_id")
    candidates = list(world.vms.values()) if vm_id is None else [world.vms.get(vm_id)]
    vms = [
        v
        for v in candidates
        if v is not None
        and (ctx.include_deleted or not v.deleted)
        and q.get("vm_name", v.name) == v.name
        and ctx.access.read_vm(v)
    ]
    return json_response(200, [render.disc(d) for v in vms for d in world.vm_discs_of(v)])


def get_disc_flat(ctx: Ctx, disc: str) -> Response:
    return json_response(200, render.disc(_flat(ctx, disc)[1]))


def delete_disc_flat(ctx: Ctx, disc: str) -> Response:
    v, d = _flat(ctx, disc)
    return _delete(ctx, v, d)


def register(router: Router) -> None:
    base = "/accounts/{account}/groups/{group}/virtual_machines/{vm}/discs"
    router.add("GET", base, list_discs)
    router.add("POST", base, create_disc)
    router.add("GET", base + "/{disc}", get_disc)
    router.add("PUT", base + "/{disc}", update_disc)
    router.add("DELETE", base + "/{disc}", delete_disc)
    router.add("GET", "/discs", list_discs_flat)
    router.add("GET", "/discs/{disc}", get_disc_flat)
    router.add("DELETE", "/discs/{disc}", delete_disc_flat)
