"""Per-request context and the look-ups every route shares.

Path segments take an id or a name (docs/bigv-api.md §4.2): a segment of digits is an id, anything
else a name (VM, group, account) or label (disc). A resource the caller cannot read is
reported exactly like a missing one (404), for every method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panel.simulator.model import Account, Disc, Group, Nic, VirtualMachine
from panel.simulator.rules import Access, Principal
from panel.simulator.web import Request, bad_request_text, forbidden, not_found
from panel.simulator.world import World


@dataclass
class Ctx:
    world: World
    request: Request
    principal: Principal
    access: Access

    @property
    def include_deleted(self) -> bool:
        return self.request.flag("include_deleted")

    @property
    def overview(self) -> bool:
        return self.request.query.get("view") == "overview"

    @property
    def reading(self) -> bool:
        return self.request.method == "GET"

    def body(self) -> dict[str, Any]:
        # [DOCS]: "if Content-Type is set incorrectly, POST and PUT will not work".
        ctype = self.request.headers.get("content-type", "")
        if self.request.body.strip() and "json" not in ctype.lower():
            raise bad_request_text("Content-Type must be application/json")
        return self.request.json()


def require(allowed: bool) -> None:
    """Raise 403: used only after the resource was found readable."""
    if not allowed:
        raise forbidden()


def as_id(segment: str) -> int | None:
    return int(segment) if segment.isdigit() else None


def find_account(ctx: Ctx, segment: str) -> Account:
    world = ctx.world
    account_id = as_id(segment)
    if account_id is None:
        account_id = world.account_by_name.get(segment)
    account = world.accounts.get(account_id) if account_id is not None else None
    if account is None or not ctx.access.read_account(account.id):
        raise not_found()
    return account


def find_group(ctx: Ctx, account_segment: str, group_segment: str) -> Group:
    account = find_account(ctx, account_segment)
    world = ctx.world
    group_id = as_id(group_segment)
    if group_id is None:
        group_id = world.group_names[account.id].get(group_segment)
    group = world.groups.get(group_id) if group_id is not None else None
    if group is None or group.account_id != account.id or not ctx.access.read_group(group):
        raise not_found()
    return group


def visible_vm(ctx: Ctx, vm: VirtualMachine | None) -> VirtualMachine:
    """404 unless readable; a deleted VM is only visible to GET with include_deleted.

    Writes (PUT/POST/DELETE) do reach a deleted VM: BC's restore sends ``{"deleted":false}``
    and purge sends ``DELETE ...?purge=true`` without ``include_deleted``.
    """
    if vm is None or not ctx.access.read_vm(vm):
        raise not_found()
    if vm.deleted and ctx.reading and not ctx.include_deleted:
        raise not_found()
    return vm


def find_vm(ctx: Ctx, account: str, group: str, vm: str) -> VirtualMachine:
    g = find_group(ctx, account, group)
    world = ctx.world
    vm_id = as_id(vm)
    if vm_id is None:
        vm_id = world.vm_names[g.id].get(vm)
    found = world.vms.get(vm_id) if vm_id is not None else None
    if found is not None and found.group_id != g.id:
        found = None
    return visible_vm(ctx, found)


def find_vm_by_id(ctx: Ctx, segment: str) -> VirtualMachine:
    vm_id = as_id(segment)
    return visible_vm(ctx, ctx.world.vms.get(vm_id) if vm_id is not None else None)


def find_disc(ctx: Ctx, vm: VirtualMachine, segment: str) -> Disc:
    discs = ctx.world.vm_discs_of(vm)
    disc_id = as_id(segment)
    for disc in discs:
        if disc.id == disc_id or (disc_id is None and disc.label == segment):
            return disc
    # A label made of digits that is not an id still resolves by label.
    for disc in discs:
        if disc.label == segment:
            return disc
    raise not_found()


def find_nic(ctx: Ctx, vm: VirtualMachine, segment: str) -> Nic:
    nic_id = as_id(segment)
    for nic in ctx.world.vm_nics_of(vm):
        if nic.id == nic_id or nic.label == segment:
            return nic
    raise not_found()


def int_filter(ctx: Ctx, name: str) -> int | None:
    """A numeric query filter; a non-numeric value matches nothing (-1)."""
    raw = ctx.request.query.get(name)
    if raw is None:
        return None
    return int(raw) if raw.isdigit() else -1
