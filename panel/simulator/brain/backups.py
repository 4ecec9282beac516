"""Disc backups and backup schedules (docs/bigv-api.md §7.11, §9.1): the official CLI's
``backup disc``, ``show backups``, ``delete backup``, ``restore backup``, ``schedule
backups`` and ``unschedule backups``.

Reading needs read access to the VM; everything else is a change to the disc, so vm_admin
(404 where the VM is invisible, 403 where it is only readable), and none of it reaches a
deleted VM's discs. Refusals are 400s naming the attribute (§13, C2).
"""

from __future__ import annotations

from panel.simulator import backups, render, schedules
from panel.simulator.brain.context import Ctx, as_id, find_disc, find_vm, require
from panel.simulator.model import Backup, Disc, VirtualMachine
from panel.simulator.web import (
    Response,
    Router,
    bad_request,
    json_response,
    no_content,
    not_found,
    server_error,
)
from panel.simulator.world import World

IN_PROGRESS = "is still being taken"


def _disc(ctx: Ctx, account: str, group: str, vm: str, disc: str) -> tuple[VirtualMachine, Disc]:
    v = find_vm(ctx, account, group, vm)
    return v, find_disc(ctx, v, disc)


def _writable(ctx: Ctx, v: VirtualMachine) -> None:
    require(ctx.access.write_vm(v))
    if v.deleted:
        raise bad_request(
            {"deleted": ["backups cannot be changed while the virtual machine is deleted"]}
        )


def _backup(ctx: Ctx, d: Disc, segment: str) -> Backup:
    """A backup of this disc by id or label (the CLI sends either)."""
    found = ctx.world.disc_backups_of(d)
    backup_id = as_id(segment)
    for b in found:
        if b.id == backup_id or b.label == segment:
            return b
    raise not_found()


def list_backups(ctx: Ctx, account: str, group: str, vm: str, disc: str) -> Response:
    _, d = _disc(ctx, account, group, vm, disc)
    return json_response(200, [render.backup(b, d) for b in ctx.world.disc_backups_of(d)])


def get_backup(ctx: Ctx, account: str, group: str, vm: str, disc: str, backup: str) -> Response:
    _, d = _disc(ctx, account, group, vm, disc)
    return json_response(200, render.backup(_backup(ctx, d, backup), d))


def create_backup(ctx: Ctx, account: str, group: str, vm: str, disc: str) -> Response:
    """No body (the CLI sends none); 201 with the backup, in progress on the disc's grade."""
    v, d = _disc(ctx, account, group, vm, disc)
    _writable(ctx, v)
    ctx.body()  # an unreadable body is still a 400
    if backups.restoring(d):
        raise bad_request({"disc": ["is being restored from a backup"]})
    return json_response(201, render.backup(backups.take(ctx.world, d), d))


def delete_backup(ctx: Ctx, account: str, group: str, vm: str, disc: str, backup: str) -> Response:
    v, d = _disc(ctx, account, group, vm, disc)
    b = _backup(ctx, d, backup)
    _writable(ctx, v)
    if not ctx.request.flag("purge"):
        # A backup is a disc: like a disc, only with purge=true (§13, C52).
        raise server_error("Backups can only be deleted with purge=true")
    if backups.in_progress(b, ctx.world.now()):
        raise bad_request({"backup": [IN_PROGRESS]})
    if d.restoring_from == b.id:
        raise bad_request({"backup": ["is being restored"]})
    ctx.world.remove_backup(b)
    return no_content()


def restore_backup(ctx: Ctx, account: str, group: str, vm: str, disc: str, backup: str) -> Response:
    """``PUT {"restore": true}``: the disc's data is replaced by the backup's, after a backup
    of its current state; only on a powered-off VM (§13, C51). PUT is PATCH: a body without
    ``restore`` changes nothing."""
    v, d = _disc(ctx, account, group, vm, disc)
    b = _backup(ctx, d, backup)
    _writable(ctx, v)
    body = ctx.body()
    if "restore" not in body:
        return json_response(200, render.backup(b, d))
    if body["restore"] is not True:
        raise bad_request({"restore": ["is not included in the list"]})
    errors: dict[str, list[str]] = {}
    if v.power_on:
        errors["power_on"] = ["must be false to restore a backup"]
    if backups.in_progress(b, ctx.world.now()):
        errors["backup"] = [IN_PROGRESS]
    if backups.restoring(d):
        errors["disc"] = ["is already being restored from a backup"]
    if errors:
        raise bad_request(errors)
    backups.restore(ctx.world, d, b)
    return json_response(200, render.backup(b, d))


def create_schedule(ctx: Ctx, account: str, group: str, vm: str, disc: str) -> Response:
    v, d = _disc(ctx, account, group, vm, disc)
    _writable(ctx, v)
    schedule, errors = schedules.check(ctx.body(), ctx.world.now())
    if errors:
        raise bad_request(errors)
    add_schedule(ctx.world, d, schedule)
    return json_response(201, schedules.public(schedule))


def add_schedule(world: World, d: Disc, schedule: dict[str, object]) -> None:
    """Store a checked schedule on the disc with an id, and make sure tick sees it."""
    schedule["id"] = world.next_id("backup_schedule")
    d.backup_schedules.append(schedule)
    world.backup_due = min(world.backup_due, float(schedule["next_at"]))  # type: ignore[arg-type]


def delete_schedule(
    ctx: Ctx, account: str, group: str, vm: str, disc: str, schedule: str
) -> Response:
    v, d = _disc(ctx, account, group, vm, disc)
    wanted = as_id(schedule)
    found = next((s for s in d.backup_schedules if s.get("id") == wanted), None)
    if found is None:
        raise not_found()
    _writable(ctx, v)
    d.backup_schedules.remove(found)
    return no_content()


def register(router: Router) -> None:
    disc = "/accounts/{account}/groups/{group}/virtual_machines/{vm}/discs/{disc}"
    router.add("GET", disc + "/backups", list_backups)
    router.add("POST", disc + "/backups", create_backup)
    router.add("GET", disc + "/backups/{backup}", get_backup)
    router.add("PUT", disc + "/backups/{backup}", restore_backup)
    router.add("DELETE", disc + "/backups/{backup}", delete_backup)
    router.add("POST", disc + "/backup_schedules", create_schedule)
    router.add("DELETE", disc + "/backup_schedules/{schedule}", delete_schedule)
