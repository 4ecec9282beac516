"""NICs and IP addresses (docs/bigv-api.md §7.6, §9).

ip_create: at most 4 additional IPs per VM, IPv4 only, non-contiguous ([DOCS] NICs); the
answer (200) echoes the request with the allocated ``ips`` (what BC reads). rDNS defaults to
the VM's hostname; it must be a hostname (400 ``{"rdns": ["is invalid"]}`` otherwise).
Only additional IPs can be deleted, and neither added nor deleted while the VM is deleted.
"""

from __future__ import annotations

from typing import Any

from panel.simulator import render
from panel.simulator.brain.context import (
    Ctx,
    find_nic,
    find_vm,
    int_filter,
    require,
    visible_vm,
)
from panel.simulator.model import Nic, VirtualMachine
from panel.simulator.validation import MAX_EXTRA_IPS, Errors, add, check_int, valid_hostname
from panel.simulator.web import (
    Response,
    Router,
    bad_request,
    json_response,
    no_content,
    not_found,
)


def list_nics(ctx: Ctx, account: str, group: str, vm: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    return json_response(200, [render.nic(n) for n in ctx.world.vm_nics_of(v)])


def get_nic(ctx: Ctx, account: str, group: str, vm: str, nic: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    return json_response(200, render.nic(find_nic(ctx, v, nic)))


def list_nics_flat(ctx: Ctx) -> Response:
    world = ctx.world
    vm_id = int_filter(ctx, "vm_id")
    candidates = list(world.vms.values()) if vm_id is None else [world.vms.get(vm_id)]
    nics = [
        render.nic(n)
        for v in candidates
        if v is not None and (ctx.include_deleted or not v.deleted) and ctx.access.read_vm(v)
        for n in world.vm_nics_of(v)
    ]
    return json_response(200, nics)


def get_nic_flat(ctx: Ctx, nic: str) -> Response:
    n = ctx.world.nics.get(int(nic)) if nic.isdigit() else None
    if n is None:
        raise not_found()
    visible_vm(ctx, ctx.world.vms[n.vm_id])
    return json_response(200, render.nic(n))


def ip_create(ctx: Ctx, account: str, group: str, vm: str, nic: str) -> Response:
    v = find_vm(ctx, account, group, vm)
    n = find_nic(ctx, v, nic)
    require(ctx.access.write_vm(v))
    world = ctx.world
    body = ctx.body()
    errors: Errors = {}
    count = check_int(body.get("addresses", 1), (1, MAX_EXTRA_IPS), errors, "addresses")
    family = body.get("family", "ipv4")
    if family != "ipv4":
        add(errors, "family", "is not included in the list")
    if body.get("contiguous"):
        add(errors, "contiguous", "is not implemented")
    if not isinstance(body.get("reason", ""), str):
        add(errors, "reason", "is invalid")
    if v.deleted:
        add(errors, "deleted", "IPs cannot be added while the virtual machine is deleted")
    held = sum(len(x.extra_ips) for x in world.vm_nics_of(v))
    if count is not None and held + count > MAX_EXTRA_IPS:
        add(
            errors,
            "addresses",
            f"would exceed the maximum of {MAX_EXTRA_IPS} additional IPs per virtual machine",
        )
    if errors or count is None:
        raise bad_request(errors)
    ips = [world.add_extra_ip(n) for _ in range(count)]
    reply = {
        "addresses": count,
        "family": family,
        "reason": body.get("reason", ""),
        "contiguous": False,
        "ips": ips,
    }
    return json_response(200, reply)


def _ip(ctx: Ctx, address: str) -> tuple[Nic, VirtualMachine]:
    nic_id = ctx.world.ip_owner.get(address)
    if nic_id is None:
        raise not_found()
    n = ctx.world.nics[nic_id]
    v = ctx.world.vms[n.vm_id]
    if not ctx.access.read_vm(v):
        raise not_found()
    return n, v


def get_ip(ctx: Ctx, ip: str) -> Response:
    _, v = _ip(ctx, ip)
    return json_response(200, render.ip(ctx.world, ip, v))


def update_ip(ctx: Ctx, ip: str) -> Response:
    _, v = _ip(ctx, ip)
    require(ctx.access.write_vm(v))
    body = ctx.body()
    if "rdns" in body:
        rdns = body["rdns"]
        if rdns is None or rdns == "":
            ctx.world.rdns.pop(ip, None)  # back to the default (the hostname)
        elif not valid_hostname(rdns):
            raise bad_request({"rdns": ["is invalid"]})
        else:
            ctx.world.rdns[ip] = rdns.lower().rstrip(".")
    return json_response(200, render.ip(ctx.world, ip, v))


def delete_ip(ctx: Ctx, ip: str) -> Response:
    n, v = _ip(ctx, ip)
    require(ctx.access.write_vm(v))
    if v.deleted:
        # [D14] nics.md: NICs cannot change while their VM is deleted (it may come back).
        raise bad_request(
            {"deleted": ["IPs cannot be removed while the virtual machine is deleted"]}
        )
    if ip not in n.extra_ips:
        raise bad_request({"address": ["is a primary address and cannot be removed"]})
    ctx.world.remove_extra_ip(n, ip)
    return no_content()


def _swap_party(ctx: Ctx, raw: Any, key: str, errors: Errors) -> VirtualMachine | None:
    vm = ctx.world.vms.get(raw) if isinstance(raw, int) and not isinstance(raw, bool) else None
    if vm is None or not ctx.access.read_vm(vm) or vm.deleted:
        add(errors, key, "is invalid")
        return None
    require(ctx.access.write_vm(vm))
    if vm.power_on:
        # BC swap_virtual_machine_ips.go: both VMs must be powered off.
        add(errors, key, "must be powered off")
    return vm


def swap_ips(ctx: Ctx) -> Response:
    """Swap the primary IPs of two VMs (optionally their additional IPs too)."""
    body = ctx.body()
    errors: Errors = {}
    one = _swap_party(ctx, body.get("virtual_machine_1_id"), "virtual_machine_1_id", errors)
    two = _swap_party(ctx, body.get("virtual_machine_2_id"), "virtual_machine_2_id", errors)
    if one is not None and two is not None and one.id == two.id:
        add(errors, "virtual_machine_2_id", "must be a different virtual machine")
    if errors or one is None or two is None:
        raise bad_request(errors)
    world = ctx.world
    nic1, nic2 = world.vm_nics_of(one)[0], world.vm_nics_of(two)[0]
    nic1.ips, nic2.ips = nic2.ips, nic1.ips
    if body.get("move_additional_ips"):
        nic1.extra_ips, nic2.extra_ips = nic2.extra_ips, nic1.extra_ips
    for nic in (nic1, nic2):
        # Additional IPs are routed via the NIC's (new) primary IPv4.
        nic.extra_ips = {ip: nic.ips[0] for ip in nic.extra_ips}
        for ip in [*nic.ips, *nic.extra_ips]:
            world.ip_owner[ip] = nic.id
    return json_response(
        200, {"virtual_machine_1": render.nic(nic1), "virtual_machine_2": render.nic(nic2)}
    )


def register(router: Router) -> None:
    base = "/accounts/{account}/groups/{group}/virtual_machines/{vm}/nics"
    router.add("GET", base, list_nics)
    router.add("GET", base + "/{nic}", get_nic)
    router.add("POST", base + "/{nic}/ip_create", ip_create)
    router.add("GET", "/nics", list_nics_flat)
    router.add("GET", "/nics/{nic}", get_nic_flat)
    router.add("GET", "/ips/{ip}", get_ip)
    router.add("PUT", "/ips/{ip}", update_ip)
    router.add("DELETE", "/ips/{ip}", delete_ip)
    router.add("POST", "/ips/swap_virtual_machine_ips", swap_ips)
