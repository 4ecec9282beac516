"""Creating VMs: bare ``POST virtual_machines`` and ``POST vm_create`` (docs/bigv-api.md §8.1).

Both answer 202 and finish in the background: the VM exists (powered off) and is GET-able
by name at once; after ``provision_seconds / speed`` it is imaged (``last_imaged_with``) and
powered on when the spec asked for it: ``power_on`` true, or ``power_on`` absent and
``autoreboot_on`` true (BC never sends ``power_on`` and omits ``autoreboot_on`` for
``--stopped`` or when there is nothing to boot). vm_create needs at least one disc
(BC changelog 3.2); disc errors use the ``discs`` array shape of §5.3, one object per
submitted disc. Root passwords and SSH keys are never stored or echoed.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from panel.simulator import definitions as defs
from panel.simulator import power, render, schedules
from panel.simulator.brain.backups import add_schedule
from panel.simulator.brain.context import Ctx, find_group, require
from panel.simulator.model import Group, VirtualMachine
from panel.simulator.validation import (
    MAX_DISCS,
    Errors,
    add,
    check_choice,
    disc_attributes,
    vm_attributes,
)
from panel.simulator.web import Response, Router, bad_request, json_response
from panel.simulator.world import World


def _vm_spec(ctx: Ctx, g: Group, spec: Any, errors: Errors) -> dict[str, Any]:
    if not isinstance(spec, dict):
        add(errors, "virtual_machine", "can't be blank")
        return {}
    attrs = vm_attributes(spec, errors)
    if "name" not in spec:
        add(errors, "name", "can't be blank")
    elif "name" in attrs and attrs["name"] in ctx.world.vm_names[g.id]:
        add(errors, "name", "has already been taken")
    return attrs


def _make(
    world: World, g: Group, attrs: dict[str, Any], ipv4: str | None, distribution: str | None
) -> VirtualMachine:
    wants_power = attrs.get("power_on", attrs.get("autoreboot_on", False))
    fields = {k: v for k, v in attrs.items() if k not in ("name", "power_on")}
    vm = world.add_vm(g, attrs["name"], ipv4=ipv4, **fields)
    power.schedule(
        world,
        vm,
        power.PROVISIONING,
        "provision_seconds",
        distribution=distribution,
        power_on=wants_power,
    )
    return vm


def create_bare(ctx: Ctx, account: str, group: str) -> Response:
    """A machine only: no disc, nothing installed ([VMDOC] "Creating a virtual machine")."""
    g = find_group(ctx, account, group)
    require(ctx.access.admin_group(g))
    errors: Errors = {}
    attrs = _vm_spec(ctx, g, ctx.body(), errors)
    if errors:
        raise bad_request(errors)
    vm = _make(ctx.world, g, attrs, None, None)
    return json_response(202, render.vm(ctx.world, vm, embed=True))


def _schedules(attrs: dict[str, Any], e: Errors, now: float) -> None:
    """Each disc's ``backup_schedules`` under the schedules route's rules (§9.1); an error
    is reported on the disc as ``"backup_schedules": ["interval_seconds …"]``."""
    checked = []
    for spec in attrs.get("backup_schedules", []):
        schedule, problems = schedules.check(spec, now)
        for key, messages in problems.items():
            for message in [messages] if isinstance(messages, str) else messages:
                add(e, "backup_schedules", f"{key} {message}")
        checked.append(schedule)
    attrs["backup_schedules"] = checked


def _discs(raw: Any, errors: Errors, now: float) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        # No per-disc object to attach this to; Rails reports object-level errors on "base".
        add(errors, "base", "a virtual machine needs at least one disc")
        return []
    per_disc: list[Errors] = []
    out: list[dict[str, Any]] = []
    labels: set[str] = set()
    for index, spec in enumerate(raw):
        e: Errors = {}
        attrs = disc_attributes(spec, e, creating=True) if isinstance(spec, dict) else {}
        if not isinstance(spec, dict):
            add(e, "base", "is invalid")
        _schedules(attrs, e, now)
        attrs.setdefault("label", f"disc-{index + 1}")
        if attrs["label"] in labels:
            add(e, "label", "has already been taken")
        labels.add(attrs["label"])
        if index >= MAX_DISCS:
            add(e, "base", f"a virtual machine can have at most {MAX_DISCS} discs")
        per_disc.append(e)
        out.append(attrs)
    if any(per_disc):
        errors["discs"] = per_disc
    return out


def _reimage(raw: Any, errors: Errors) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        add(errors, "reimage", "is invalid")
        return None
    if "root_password" in raw and not isinstance(raw["root_password"], str):
        add(errors, "root_password", "is invalid")
    if not raw.get("distribution"):
        add(errors, "distribution", "can't be blank")
        return None
    return check_choice(raw["distribution"], defs.DISTRIBUTIONS, errors, "distribution")


def _address(world: World, raw: Any, family: str, errors: Errors) -> str | None:
    """``ips.ipv4`` / ``ips.ipv6`` (the CLI's ``--ip``; [DOCS]: meant for private VLANs):
    the VM's primary address of that family, accepted when it is free (§13, C36, C56)."""
    wanted = raw.get(family) if isinstance(raw, dict) else None
    if not wanted:
        return None
    kind = ipaddress.IPv4Address if family == "ipv4" else ipaddress.IPv6Address
    try:
        address = str(kind(wanted))
    except ValueError:
        add(errors, family, "is invalid")
        return None
    if address in world.ip_owner:
        add(errors, family, "has already been taken")
    return address


def _use_ipv6(world: World, vm: VirtualMachine, address: str | None) -> None:
    if address is None:
        return
    nic = world.vm_nics_of(vm)[0]
    world.ip_owner.pop(nic.ips[1], None)
    nic.ips[1] = address
    world.ip_owner[address] = nic.id


def vm_create(ctx: Ctx, account: str, group: str) -> Response:
    g = find_group(ctx, account, group)
    require(ctx.access.admin_group(g))
    world = ctx.world
    body = ctx.body()
    errors: Errors = {}
    attrs = _vm_spec(ctx, g, body.get("virtual_machine"), errors)
    discs = _discs(body.get("discs"), errors, world.now())
    distribution = _reimage(body.get("reimage"), errors)
    ipv4 = _address(world, body.get("ips"), "ipv4", errors)
    ipv6 = _address(world, body.get("ips"), "ipv6", errors)
    if errors:
        raise bad_request(errors)
    vm = _make(world, g, attrs, ipv4, distribution)
    _use_ipv6(world, vm, ipv6)
    for d in discs:
        wanted = d.pop("backup_schedules", [])
        disc = world.add_disc(vm, d.pop("label"), d.pop("size"), d.pop("storage_grade"), **d)
        for schedule in wanted:
            add_schedule(world, disc, schedule)
    # A spec-shaped body that BC (flat VM, unknown keys ignored) and FOG (reads
    # body["virtual_machine"]) both accept (§13, C8); the reimage echo omits the secrets.
    reply = {
        "virtual_machine": render.vm(world, vm, embed=True),
        "discs": [render.disc(d) for d in world.vm_discs_of(vm)],
        "reimage": {"distribution": distribution} if distribution else None,
    }
    return json_response(202, reply)


def register(router: Router) -> None:
    base = "/accounts/{account}/groups/{group}"
    router.add("POST", base + "/virtual_machines", create_bare)
    router.add("POST", base + "/vm_create", vm_create)
