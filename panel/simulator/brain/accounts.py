"""Accounts (docs/bigv-api.md §7.2). ``GET /accounts`` is always an array (§13, C22)."""

from __future__ import annotations

from panel.simulator import render
from panel.simulator.brain.context import Ctx, find_account, require
from panel.simulator.validation import add, check_name
from panel.simulator.web import Response, Router, bad_request, json_response


def list_accounts(ctx: Ctx) -> Response:
    world, access = ctx.world, ctx.access
    out = [
        render.account(world, a, access, overview=ctx.overview, deleted=ctx.include_deleted)
        for a in sorted(world.accounts.values(), key=lambda a: a.id)
        if access.read_account(a.id)
    ]
    return json_response(200, out)


def get_account(ctx: Ctx, account: str) -> Response:
    a = find_account(ctx, account)
    return json_response(
        200,
        render.account(
            ctx.world, a, ctx.access, overview=ctx.overview, deleted=ctx.include_deleted
        ),
    )


def create_account(ctx: Ctx) -> Response:
    """2014-era ``POST /accounts`` ([D14]): the creator becomes its account_admin.

    Kept so that an ``--seed empty`` world can be filled through the API; every new
    account gets the ``default`` group ([D14]: it exists in every account).
    """
    world = ctx.world
    body = ctx.body()
    errors: dict[str, list[str]] = {}
    name = check_name(body.get("name"), errors)
    if name is not None and name in world.account_by_name:
        add(errors, "name", "has already been taken")
    if errors or name is None:
        raise bad_request(errors)
    account = world.add_account(name)
    world.add_group(account, "default")
    world.add_privilege(
        ctx.principal.user,
        "account_admin",
        account_id=account.id,
        api_key_id=ctx.principal.api_key_id,
        password_required=ctx.principal.api_key_id is None,
        creating_username=ctx.principal.user.username,
    )
    return json_response(
        201, render.account(world, account, ctx.access, overview=False, deleted=False)
    )


def update_account(ctx: Ctx, account: str) -> Response:
    """[D14] lists PUT; the name cannot change after creation, so it is ignored."""
    a = find_account(ctx, account)
    require(ctx.access.write_account(a.id))
    ctx.body()
    return json_response(
        200, render.account(ctx.world, a, ctx.access, overview=False, deleted=False)
    )


def register(router: Router) -> None:
    router.add("GET", "/accounts", list_accounts)
    router.add("POST", "/accounts", create_account)
    router.add("GET", "/accounts/{account}", get_account)
    router.add("PUT", "/accounts/{account}", update_account)
