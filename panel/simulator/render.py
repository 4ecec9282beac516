"""JSON shapes of brain objects (docs/bigv-api.md §6), as in the published examples kept in
tests/bigv/fixtures; every object has ``type``."""

from __future__ import annotations

from typing import Any

from panel.simulator import schedules
from panel.simulator.model import (
    Account,
    ApiKey,
    Backup,
    Disc,
    Group,
    Nic,
    Privilege,
    User,
    VirtualMachine,
)
from panel.simulator.rules import Access
from panel.simulator.world import World

TYPE = "application/vnd.bigv."


def account(
    world: World, a: Account, access: Access, *, overview: bool, deleted: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id,
        "name": a.name,
        "suspended": a.suspended,
        "type": TYPE + "account",
    }
    if overview:
        out["groups"] = [
            group(world, g, access, overview=True, deleted=deleted)
            for g in world.account_groups(a)
            if access.read_group(g)
        ]
    return out


def group(
    world: World, g: Group, access: Access, *, overview: bool, deleted: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": TYPE + "group",
        "account_id": g.account_id,
        "id": g.id,
        "name": g.name,
    }
    if overview:
        out["virtual_machines"] = [
            vm(world, v, embed=True)
            for v in world.group_vms(g)
            if (deleted or not v.deleted) and access.read_vm(v)
        ]
    return out


def vm(world: World, v: VirtualMachine, *, embed: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": TYPE + "virtual-machine",
        "autoreboot_on": v.autoreboot_on,
        "cdrom_url": v.cdrom_url,
        "cores": v.cores,
        "deleted": v.deleted,
        "group_id": v.group_id,
        "hardware_profile": v.hardware_profile,
        "hardware_profile_locked": v.hardware_profile_locked,
        "head": v.head if v.power_on else None,
        "hostname": world.hostname(v),
        "id": v.id,
        "keymap": v.keymap,
        "last_imaged_with": v.last_imaged_with,
        "management_address": v.management_address,
        "memory": v.memory,
        "name": v.name,
        "power_on": v.power_on,
        "zone_name": v.zone_name,
        "backup_count": sum(len(d.backup_ids) for d in world.vm_discs_of(v)),
        # What the running guest booted, e.g. the rescue appliance (§13, C70); null: its discs.
        "appliance": dict(v.appliance) if v.appliance and v.power_on else None,
    }
    if embed:
        out["discs"] = [disc(d) for d in world.vm_discs_of(v)]
        out["network_interfaces"] = [nic(n) for n in world.vm_nics_of(v)]
    return out


def disc(d: Disc) -> dict[str, Any]:
    out = {
        "type": TYPE + "disc",
        "id": d.id,
        "label": d.label,
        "size": d.size,
        "storage_grade": d.storage_grade,
        "storage_pool": d.storage_pool,
        "virtual_machine_id": d.vm_id,
        "backup_count": len(d.backup_ids),
        "backups_enabled": bool(d.backup_schedules),
        "backup_schedules": [schedules.public(s) for s in d.backup_schedules],
    }
    if d.restore_due is not None:
        # [BC] disc template "restore in progress": on iceberg, going back to its grade.
        out.update(storage_grade="iceberg", new_storage_grade=d.storage_grade)
    return out


def backup(b: Backup, d: Disc) -> dict[str, Any]:
    """A backup is a disc plus ``parent_disc_id`` and ``manual`` ([BC] brain.Backup), and
    when it was taken (``created_at``, the simulator's addition: §13, C49)."""
    return {
        "type": TYPE + "disc",
        "id": b.id,
        "label": b.label,
        "size": b.size,
        "storage_grade": b.storage_grade,
        "storage_pool": b.storage_pool,
        "virtual_machine_id": d.vm_id,
        "parent_disc_id": d.id,
        "manual": b.manual,
        "created_at": schedules.iso(b.created_at),
        "backup_count": 0,
        "backup_schedules": [],
    }


def nic(n: Nic) -> dict[str, Any]:
    return {
        "type": TYPE + "network-interface",
        "id": n.id,
        "label": n.label,
        "ips": list(n.ips),
        "extra_ips": dict(n.extra_ips),
        "mac": n.mac,
        "vlan_num": n.vlan_num,
        "virtual_machine_id": n.vm_id,
    }


def ip(world: World, address: str, v: VirtualMachine) -> dict[str, Any]:
    # The docs' key ``address``, not BC's ``ip`` (docs/bigv-api.md §13, C19).
    return {
        "type": TYPE + "ip",
        "address": address,
        "rdns": world.rdns.get(address, world.hostname(v)),
    }


def user(u: User) -> dict[str, Any]:
    # Never the password.
    return {
        "type": TYPE + "user",
        "id": u.id,
        "username": u.username,
        "email": u.email,
        "authorized_keys": u.authorized_keys,
    }


def privilege(world: World, p: Privilege) -> dict[str, Any]:
    """The HAL-ish shape of the published example (tests/bigv/fixtures/privileges.json), plus
    the target's name (docs/bigv-api.md §6.8)."""
    owner = world.users.get(p.user_id)
    out: dict[str, Any] = {
        "type": TYPE + "privilege",
        "id": p.id,
        "level": p.level,
        "username": owner.username if owner else None,
        "yubikey_required": p.yubikey_required,
        "yubikey_otp_max_age": p.yubikey_otp_max_age,
        "password_required": p.password_required,
        "ip_restrictions": p.ip_restrictions,
        "creating_username": p.creating_username,
    }
    links: dict[str, Any] = {
        "self": {"href": f"/privileges/{p.id}"},
        "user": {"href": f"/users/{p.user_id}"},
    }
    if p.account_id in world.accounts:
        a = world.accounts[p.account_id]
        out.update(account_id=a.id, account_name=a.name)
        links["account"] = {"href": f"/accounts/{a.id}", "title": f"Account {a.name}"}
    if p.group_id in world.groups:
        g = world.groups[p.group_id]
        out.update(group_id=g.id, group_name=g.name)
        links["group"] = {"href": f"/groups/{g.id}", "title": f"Group {g.name}"}
    if p.virtual_machine_id in world.vms:
        v = world.vms[p.virtual_machine_id]
        out.update(virtual_machine_id=v.id, virtual_machine_name=v.name)
        links["virtual_machine"] = {
            "href": f"/virtual_machines/{v.id}",
            "title": f"Virtual machine {v.name}",
        }
    if p.api_key_id is not None:
        out["api_key_id"] = p.api_key_id
    out["_links"] = links
    return out


def api_key(world: World, k: ApiKey, *, overview: bool, secret: bool = False) -> dict[str, Any]:
    owner = world.users.get(k.user_id)
    out: dict[str, Any] = {
        "type": TYPE + "api-key",
        "id": k.id,
        "user_id": k.user_id,
        "username": owner.username if owner else None,
        "label": k.label,
        "expires_at": k.expires_at,
    }
    if secret:
        # Only in the POST /api_keys answer: a GET never shows the secret again.
        out["api_key"] = k.secret
    if overview:
        out["privileges"] = [
            privilege(world, p) for p in world.privileges.values() if p.api_key_id == k.id
        ]
    return out
