"""Users, privileges and API keys (docs/bigv-api.md §7.7-§7.9, §10).

``GET /privileges`` lists the privileges usable with the caller's credential (a session's
own, or those carrying the API key's id), so what a client reads matches what it may do.
Privileges can only be granted/revoked below the caller's own level on the target ([DOCS]);
the one exception is a privilege for the caller's own API key, which may equal it (BC's
``add api key`` grants the key the user's level). Refusals are 403 (§13, C13). A target the
caller cannot read is ``{"<target>_id": ["is invalid"]}``, as for a move (C32): a 403 would
tell that it exists (C61). An API key's privilege cannot also require a YubiKey: the key could
never use it, and BC refuses the pair (C62). An API key's expiry is ISO 8601 (C63).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from panel.simulator import render
from panel.simulator.brain.context import (
    Ctx,
    as_id,
    find_account,
    find_group,
    find_vm,
    require,
)
from panel.simulator.model import Privilege, User
from panel.simulator.rules import LEVELS, usable_privileges
from panel.simulator.validation import Errors, add
from panel.simulator.web import Response, Router, bad_request, json_response, no_content, not_found

TARGET_OF = {
    "account_admin": "account_id",
    "group_admin": "group_id",
    "vm_admin": "virtual_machine_id",
    "vm_console": "virtual_machine_id",
}


def _user(ctx: Ctx, segment: str) -> User:
    """Users see themselves; cluster admins see everyone. Anyone else is a 404."""
    world = ctx.world
    user_id = as_id(segment)
    user = world.users.get(user_id) if user_id is not None else world.user_named(segment)
    if user is None or (user.id != ctx.principal.user.id and not ctx.access.cluster):
        raise not_found()
    return user


def list_users(ctx: Ctx) -> Response:
    users = ctx.world.users.values() if ctx.access.cluster else [ctx.principal.user]
    return json_response(200, [render.user(u) for u in users])


def get_user(ctx: Ctx, user: str) -> Response:
    return json_response(200, render.user(_user(ctx, user)))


def update_user(ctx: Ctx, user: str) -> Response:
    """Only ``authorized_keys`` (the whole newline-separated string) and ``password``."""
    u = _user(ctx, user)
    body = ctx.body()
    errors: Errors = {}
    for key in ("authorized_keys", "password"):
        if key in body and not isinstance(body[key], str):
            add(errors, key, "is invalid")
    if errors:
        raise bad_request(errors)
    u.authorized_keys = body.get("authorized_keys", u.authorized_keys)
    u.password = body.get("password") or u.password
    return json_response(200, render.user(u))


def _visible(ctx: Ctx, p: Privilege) -> bool:
    own = p.user_id == ctx.principal.user.id
    return own or LEVELS.get(p.level, 99) < ctx.access.level_on(p)


def list_privileges(ctx: Ctx) -> Response:
    privs = usable_privileges(ctx.world, ctx.principal)
    return json_response(200, [render.privilege(ctx.world, p) for p in privs])


def list_user_privileges(ctx: Ctx, user: str) -> Response:
    u = _user(ctx, user)
    privs = [p for p in ctx.world.privileges.values() if p.user_id == u.id]
    return json_response(200, [render.privilege(ctx.world, p) for p in privs])


def _on_target(ctx: Ctx, key: str, target_id: int) -> Response:
    privs = [
        p
        for p in ctx.world.privileges.values()
        if getattr(p, key) == target_id and _visible(ctx, p)
    ]
    return json_response(200, [render.privilege(ctx.world, p) for p in privs])


def account_privileges(ctx: Ctx, account: str) -> Response:
    return _on_target(ctx, "account_id", find_account(ctx, account).id)


def group_privileges(ctx: Ctx, account: str, group: str) -> Response:
    return _on_target(ctx, "group_id", find_group(ctx, account, group).id)


def vm_privileges(ctx: Ctx, account: str, group: str, vm: str) -> Response:
    return _on_target(ctx, "virtual_machine_id", find_vm(ctx, account, group, vm).id)


def get_privilege(ctx: Ctx, privilege: str) -> Response:
    p = ctx.world.privileges.get(int(privilege)) if privilege.isdigit() else None
    if p is None or not _visible(ctx, p):
        raise not_found()
    return json_response(200, render.privilege(ctx.world, p))


def _grantable(ctx: Ctx, grantee: User, p: Privilege) -> bool:
    mine = ctx.access.level_on(p)
    own_key = p.api_key_id is not None and grantee.id == ctx.principal.user.id
    return LEVELS[p.level] < mine or (own_key and LEVELS[p.level] <= mine)


def _readable_target(ctx: Ctx, key: str, target: Any) -> bool:
    """An id (a JSON number, not a bool) of an object the caller can read."""
    world = ctx.world
    if isinstance(target, bool) or not isinstance(target, int):
        return False
    if key == "account_id":
        return target in world.accounts and ctx.access.read_account(target)
    if key == "group_id":
        return target in world.groups and ctx.access.read_group(world.groups[target])
    vm = world.vms.get(target)
    return vm is not None and ctx.access.read_vm(vm)


def _flag(errors: Errors, body: dict[str, Any], key: str, default: bool) -> bool:
    """A JSON boolean, or ``default`` when absent; anything else is refused."""
    value = body.get(key, default)
    if not isinstance(value, bool):
        add(errors, key, "is not included in the list")
        return default
    return value


NO_YUBIKEY_FOR_KEYS = "cannot be required for an API key's privilege"


def create_privilege(ctx: Ctx, user: str) -> Response:
    world = ctx.world
    grantee = world.user_named(user) if as_id(user) is None else world.users.get(int(user))
    if grantee is None:
        raise not_found()
    body: dict[str, Any] = ctx.body()
    errors: Errors = {}
    level = body.get("level")
    target_key = TARGET_OF.get(level) if isinstance(level, str) else None
    if target_key is None:
        add(errors, "level", "is not included in the list")
    target = body.get(target_key) if target_key else None
    if target_key and not _readable_target(ctx, target_key, target):
        add(errors, target_key, "is invalid")
    key_id = body.get("api_key_id")
    if key_id is not None and (
        isinstance(key_id, bool)
        or key_id not in world.api_keys
        or world.api_keys[key_id].user_id != grantee.id
    ):
        add(errors, "api_key_id", "is invalid")
    password_required = _flag(errors, body, "password_required", key_id is None)
    yubikey_required = _flag(errors, body, "yubikey_required", False)
    if key_id is not None and yubikey_required:
        add(errors, "yubikey_required", NO_YUBIKEY_FOR_KEYS)
    if errors or target_key is None:
        raise bad_request(errors)
    p = Privilege(
        id=0,
        user_id=grantee.id,
        level=str(level),
        api_key_id=key_id,
        password_required=password_required,
        yubikey_required=yubikey_required,
        creating_username=ctx.principal.user.username,
    )
    setattr(p, target_key, target)
    require(_grantable(ctx, grantee, p))
    p.id = world.next_id("privilege")
    world.privileges[p.id] = p
    return json_response(201, render.privilege(world, p))


def delete_privilege(ctx: Ctx, privilege: str) -> Response:
    p = ctx.world.privileges.get(int(privilege)) if privilege.isdigit() else None
    if p is None or not _visible(ctx, p):
        raise not_found()
    grantee = ctx.world.users[p.user_id]
    require(_grantable(ctx, grantee, p))
    del ctx.world.privileges[p.id]
    return no_content()


def update_privilege(ctx: Ctx, privilege: str) -> Response:
    """Only yubikey_required, yubikey_otp_max_age and ip_restrictions can change ([DOCS])."""
    p = ctx.world.privileges.get(int(privilege)) if privilege.isdigit() else None
    if p is None or not _visible(ctx, p):
        raise not_found()
    require(_grantable(ctx, ctx.world.users[p.user_id], p))
    body = ctx.body()
    errors: Errors = {}
    if "yubikey_required" in body and not isinstance(body["yubikey_required"], bool):
        add(errors, "yubikey_required", "is not included in the list")
    elif body.get("yubikey_required") is True and p.api_key_id is not None:
        add(errors, "yubikey_required", NO_YUBIKEY_FOR_KEYS)
    age = body.get("yubikey_otp_max_age", p.yubikey_otp_max_age)
    if isinstance(age, bool) or not isinstance(age, int) or age < 0:
        add(errors, "yubikey_otp_max_age", "is not a number")
    restrictions = body.get("ip_restrictions", p.ip_restrictions)
    if restrictions is not None and not isinstance(restrictions, str):
        add(errors, "ip_restrictions", "is invalid")
    if errors:
        raise bad_request(errors)
    p.yubikey_required = body.get("yubikey_required", p.yubikey_required)
    p.yubikey_otp_max_age, p.ip_restrictions = age, restrictions
    return json_response(200, render.privilege(ctx.world, p))


def list_api_keys(ctx: Ctx) -> Response:
    world = ctx.world
    keys = [
        k
        for k in world.api_keys.values()
        if ctx.access.cluster or k.user_id == ctx.principal.user.id
    ]
    return json_response(200, [render.api_key(world, k, overview=ctx.overview) for k in keys])


def _expiry(errors: Errors, raw: Any) -> str | None:
    """ISO 8601 (a date, or a date and time; UTC when it names no zone), kept as
    ``YYYY-MM-DDThh:mm:ssZ``; absent or empty: the key never expires. Anything else is
    refused: a key whose expiry nobody can read would never expire (§13, C63)."""
    if raw is None or raw == "":
        return None
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (AttributeError, TypeError, ValueError):
        add(errors, "expires_at", "is invalid")
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def create_api_key(ctx: Ctx) -> Response:
    """The secret is returned once, here; privileges are granted separately (§7.9)."""
    world = ctx.world
    body = ctx.body()
    me = ctx.principal.user
    user_id = body.get("user_id", me.id)
    if user_id != me.id and not ctx.access.cluster:
        raise not_found()
    owner = world.users.get(user_id) if isinstance(user_id, int) else None
    label = body.get("label") or f"key-{world.counters.get('api_key', 0) + 1}"
    errors: Errors = {}
    if owner is None:
        add(errors, "user_id", "is invalid")
    if not isinstance(label, str):
        add(errors, "label", "is invalid")
    expires_at = _expiry(errors, body.get("expires_at"))
    if errors or owner is None:
        raise bad_request(errors)
    key = world.add_api_key(owner, label, secrets.token_urlsafe(24), expires_at=expires_at)
    return json_response(201, render.api_key(world, key, overview=False, secret=True))


def delete_api_key(ctx: Ctx, key: str) -> Response:
    world = ctx.world
    k = world.api_keys.get(int(key)) if key.isdigit() else None
    if k is None or (k.user_id != ctx.principal.user.id and not ctx.access.cluster):
        raise not_found()
    world.remove_api_key(k)
    return no_content()


def register(router: Router) -> None:
    router.add("GET", "/users", list_users)
    router.add("GET", "/users/{user}", get_user)
    router.add("PUT", "/users/{user}", update_user)
    router.add("GET", "/users/{user}/privileges", list_user_privileges)
    router.add("POST", "/users/{user}/privileges", create_privilege)
    router.add("GET", "/privileges", list_privileges)
    router.add("GET", "/accounts/{account}/privileges", account_privileges)
    router.add("GET", "/accounts/{account}/groups/{group}/privileges", group_privileges)
    router.add(
        "GET", "/accounts/{account}/groups/{group}/virtual_machines/{vm}/privileges", vm_privileges
    )
    router.add("GET", "/privileges/{privilege}", get_privilege)
    router.add("PUT", "/privileges/{privilege}", update_privilege)
    router.add("DELETE", "/privileges/{privilege}", delete_privilege)
    router.add("GET", "/api_keys", list_api_keys)
    router.add("POST", "/api_keys", create_api_key)
    router.add("DELETE", "/api_keys/{key}", delete_api_key)
