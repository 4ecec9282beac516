"""Groups (docs/bigv-api.md §7.3). Names are DNS labels, unique per account (§12)."""

from __future__ import annotations

from panel.simulator import render
from panel.simulator.brain.context import Ctx, find_account, find_group, int_filter, require
from panel.simulator.model import Group
from panel.simulator.validation import add, check_name
from panel.simulator.web import (
    Response,
    Router,
    bad_request,
    bad_request_text,
    json_response,
    no_content,
    not_found,
)


def _render(ctx: Ctx, g: Group) -> dict[str, object]:
    return render.group(
        ctx.world, g, ctx.access, overview=ctx.overview, deleted=ctx.include_deleted
    )


def list_groups(ctx: Ctx, account: str) -> Response:
    a = find_account(ctx, account)
    groups = [g for g in ctx.world.account_groups(a) if ctx.access.read_group(g)]
    return json_response(200, [_render(ctx, g) for g in groups])


def get_group(ctx: Ctx, account: str, group: str) -> Response:
    return json_response(200, _render(ctx, find_group(ctx, account, group)))


def _checked_name(ctx: Ctx, account_id: int, value: object, current: Group | None = None) -> str:
    errors: dict[str, list[str]] = {}
    name = check_name(value, errors)
    taken = ctx.world.group_names[account_id].get(name or "")
    if name is not None and taken is not None and (current is None or taken != current.id):
        add(errors, "name", "has already been taken")
    if errors or name is None:
        raise bad_request(errors)
    return name


def create_group(ctx: Ctx, account: str) -> Response:
    a = find_account(ctx, account)
    require(ctx.access.write_account(a.id))
    name = _checked_name(ctx, a.id, ctx.body().get("name"))
    g = ctx.world.add_group(a, name)
    # POST groups -> 200 (the [DOCS] example), not the generic 201 (§13, C10).
    return json_response(200, render.group(ctx.world, g, ctx.access, overview=False, deleted=False))


def update_group(ctx: Ctx, account: str, group: str) -> Response:
    g = find_group(ctx, account, group)
    require(ctx.access.write_group(g))
    body = ctx.body()
    if "name" in body:
        name = _checked_name(ctx, g.account_id, body["name"], current=g)
        if name != g.name:
            ctx.world.rename_group(g, name)
    return json_response(200, render.group(ctx.world, g, ctx.access, overview=False, deleted=False))


def delete_group(ctx: Ctx, account: str, group: str) -> Response:
    g = find_group(ctx, account, group)
    require(ctx.access.write_group(g))
    # Deleted-but-not-purged VMs still count: they can be undeleted into this group.
    if ctx.world.vm_names[g.id]:
        # The generic "failed DELETE" rule, in its plain-text shape (§13, C6).
        raise bad_request_text("Group still contains virtual machines")
    ctx.world.remove_group(g)
    return no_content()


def list_groups_flat(ctx: Ctx) -> Response:
    world = ctx.world
    account_id = int_filter(ctx, "account_id")
    account_name = ctx.request.query.get("account_name")
    out = []
    for g in sorted(world.groups.values(), key=lambda g: g.id):
        if account_id is not None and g.account_id != account_id:
            continue
        if account_name is not None and world.accounts[g.account_id].name != account_name:
            continue
        if ctx.access.read_group(g):
            out.append(_render(ctx, g))
    return json_response(200, out)


def get_group_flat(ctx: Ctx, group: str) -> Response:
    g = ctx.world.groups.get(int(group)) if group.isdigit() else None
    if g is None or not ctx.access.read_group(g):
        raise not_found()
    return json_response(200, _render(ctx, g))


def register(router: Router) -> None:
    router.add("GET", "/accounts/{account}/groups", list_groups)
    router.add("POST", "/accounts/{account}/groups", create_group)
    router.add("GET", "/accounts/{account}/groups/{group}", get_group)
    router.add("PUT", "/accounts/{account}/groups/{group}", update_group)
    router.add("DELETE", "/accounts/{account}/groups/{group}", delete_group)
    router.add("GET", "/groups", list_groups_flat)
    router.add("GET", "/groups/{group}", get_group_flat)
