"""Seeded worlds: ``demo`` (documented in README.md), ``empty``, and bulk populate.

Demo credentials (README.md): demo/demo-password (account_admin on demo; API key
``apikey.demo-key``), viewer/viewer-password (vm_console on web1; ``apikey.viewer-key``),
webadmin/webadmin-password (group_admin on demo/web; ``apikey.webadmin-key``),
secure/secure-password (account_admin on demo, needs 2FA code 123456),
otheruser/other-password (account_admin on the ``other`` account).
"""

from __future__ import annotations

import random
from typing import Any

from panel.simulator import backups, power, schedules
from panel.simulator import definitions as defs
from panel.simulator.model import Group, User, VirtualMachine
from panel.simulator.world import World

SEEDS = ("demo", "empty")
DEMO_KEYS = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDemoDemoDemoDemoDemoDemoDemoDemoDemo demo@laptop"
NETINST = (
    "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-12.8.0-amd64-netinst.iso"
)


def _users(world: World) -> dict[str, User]:
    users = {
        "demo": world.add_user(
            "demo", "demo-password", email="demo@example.com", authorized_keys=DEMO_KEYS
        ),
        "viewer": world.add_user("viewer", "viewer-password", email="viewer@example.com"),
        "webadmin": world.add_user("webadmin", "webadmin-password", email="webadmin@example.com"),
        "secure": world.add_user(
            "secure", "secure-password", email="secure@example.com", second_factor=True
        ),
        "otheruser": world.add_user("otheruser", "other-password", email="other@example.org"),
    }
    world.add_api_key(users["demo"], "demo-cli", "demo-key")
    world.add_api_key(users["viewer"], "viewer-cli", "viewer-key")
    world.add_api_key(users["webadmin"], "webadmin-cli", "webadmin-key")
    return users


def add_vm(
    world: World,
    group: Group,
    name: str,
    *,
    cores: int,
    memory: int,
    discs: list[tuple[str, int]],
    image: str | None,
    on: bool,
    **attrs: Any,
) -> VirtualMachine:
    """A settled VM (no pending transition), as if it had been running for a while."""
    vm = world.add_vm(
        group, name, cores=cores, memory=memory, last_imaged_with=image, autoreboot_on=on, **attrs
    )
    for index, (grade, size) in enumerate(discs, start=1):
        world.add_disc(vm, f"disc-{index}", size, grade)
    if on:
        power.boot(vm)
    return vm


def build(seed: str = "demo", speed: float = 1.0) -> World:
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; choose one of {', '.join(SEEDS)}")
    world = World(speed=speed)
    with world.lock:
        users = _users(world)
        if seed == "demo":
            _demo(world, users)
    return world


# (account, group, name, cores, memory MiB, discs [(grade, MiB)], image, powered on)
DEMO_VMS: list[tuple[str, str, str, int, int, list[tuple[str, int]], str, bool]] = [
    ("demo", "web", "web1", 2, 2048, [("ssd", 25600), ("sata", 51200)], "bookworm", True),
    ("demo", "web", "web2", 2, 2048, [("ssd", 25600)], "bookworm", True),
    ("demo", "web", "web3", 1, 1024, [("ssd", 20480)], "buster", True),
    ("demo", "db", "db1", 4, 8192, [("ssd", 51200), ("archive", 409600)], "stretch", True),
    ("demo", "db", "db2", 4, 8192, [("ssd", 51200), ("archive", 204800)], "stretch", False),
    ("demo", "db", "db-replica", 2, 4096, [("ssd", 51200)], "buster", True),
    ("demo", "default", "mail", 1, 2048, [("sata", 25600), ("archive", 102400)], "jessie", True),
    ("demo", "default", "monitor", 1, 1024, [("sata", 25600)], "bookworm", True),
    ("demo", "default", "builder", 4, 4096, [("ssd", 102400)], "bookworm", False),
    ("demo", "default", "bastion", 1, 1024, [("sata", 25600)], "bookworm", True),
    ("demo", "default", "legacy", 1, 1024, [("sata", 25600)], "wheezy", False),
    ("demo", "default", "staging", 2, 2048, [("sata", 25600)], "buster", False),
    ("other", "default", "app1", 2, 4096, [("ssd", 51200)], "bookworm", True),
    ("other", "default", "app2", 1, 1024, [("sata", 25600)], "buster", False),
]
DEMO_EXTRAS: dict[str, dict[str, Any]] = {
    "monitor": {"keymap": "en-gb"},
    "builder": {"cdrom_url": NETINST},
    "legacy": {"hardware_profile": "compatibility2013", "hardware_profile_locked": True},
    "staging": {"deleted": True},
}


def _demo(world: World, users: dict[str, User]) -> None:
    demo, other = world.add_account("demo"), world.add_account("other")
    groups = {name: world.add_group(demo, name) for name in ("default", "web", "db")}
    world.add_group(other, "default")
    for account, group, name, cores, memory, discs, image, on in DEMO_VMS:
        a = world.accounts[world.account_by_name[account]]
        g = world.groups[world.group_names[a.id][group]]
        extras = DEMO_EXTRAS.get(name, {})
        vm = add_vm(
            world, g, name, cores=cores, memory=memory, discs=discs, image=image, on=on, **extras
        )
        if vm.deleted:
            vm.deleted_at = world.now()
    web1 = world.vms[world.vm_names[groups["web"].id]["web1"]]
    world.add_extra_ip(world.vm_nics_of(web1)[0])
    _demo_backups(world, web1)

    keys = {k.label: k.id for k in world.api_keys.values()}
    grants: list[tuple[str, str, dict[str, int], str | None]] = [
        ("demo", "account_admin", {"account_id": demo.id}, "demo-cli"),
        ("viewer", "vm_console", {"virtual_machine_id": web1.id}, "viewer-cli"),
        ("webadmin", "group_admin", {"group_id": groups["web"].id}, "webadmin-cli"),
        ("secure", "account_admin", {"account_id": demo.id}, None),
        ("otheruser", "account_admin", {"account_id": other.id}, None),
    ]
    for username, level, target, key_label in grants:
        world.add_privilege(users[username], level, **target)
        if key_label:
            # API keys act only through privileges carrying their id (docs/bigv-api.md §3.5).
            key_id = keys[key_label]
            world.add_privilege(
                users[username], level, api_key_id=key_id, password_required=False, **target
            )


def _demo_backups(world: World, vm: VirtualMachine) -> None:
    """web1's first disc: a weekly schedule (as the CLI's ``add server`` makes) and a backup
    taken a day ago, so the demo shows backups (docs/bigv-api.md §9.1)."""
    disc = world.vm_discs_of(vm)[0]
    week = 7 * 86400
    schedule, _ = schedules.check(
        {"start_at": schedules.iso(world.now() - 86400), "interval_seconds": week}, world.now()
    )
    schedule["id"] = world.next_id("backup_schedule")
    disc.backup_schedules.append(schedule)
    backups.take(world, disc, at=world.now() - 86400, manual=False, schedule_id=schedule["id"])


_SHAPES = [
    (1, 1024, 25600),
    (1, 2048, 25600),
    (2, 2048, 51200),
    (2, 4096, 51200),
    (4, 8192, 102400),
]


def populate(
    world: World, account: str, group: str, count: int, power_on_ratio: float = 0.7
) -> Group:
    """Add ``count`` realistic VMs to ``account/group`` (created if missing); O(count)."""
    account_id = world.account_by_name.get(account)
    if account_id is None:
        raise KeyError(f"unknown account {account!r}")
    a = world.accounts[account_id]
    group_id = world.group_names[a.id].get(group)
    g = world.groups[group_id] if group_id is not None else world.add_group(a, group)
    rng = random.Random(f"{account}/{group}/{len(world.vm_names[g.id])}")
    names = world.vm_names[g.id]
    number = len(names)
    for _ in range(count):
        number += 1
        while f"{group}-{number:04d}" in names:
            number += 1
        cores, memory, size = rng.choice(_SHAPES)
        discs = [(rng.choice(["sata", "ssd"]), size)]
        if rng.random() < 0.25:
            discs.append(("archive", rng.choice([102400, 204800])))
        add_vm(
            world,
            g,
            f"{group}-{number:04d}",
            cores=cores,
            memory=memory,
            discs=discs,
            image=rng.choice(["bookworm", "buster", "stretch", "centos7"]),
            on=rng.random() < power_on_ratio,
            zone_name=rng.choice(defs.ZONE_NAMES),
        )
    return g


def add_user(world: World, spec: dict[str, Any]) -> User:
    """Control-API helper: a user with privileges given by names (for benchmarks)."""
    username, password = spec.get("username"), spec.get("password")
    if not isinstance(username, str) or not username or not isinstance(password, str):
        raise ValueError("username and password are required")
    if world.user_named(username):
        raise ValueError(f"user {username!r} already exists")
    user = world.add_user(
        username,
        password,
        email=spec.get("email", ""),
        second_factor=bool(spec.get("second_factor")),
    )
    key = (
        world.add_api_key(user, f"{username}-key", spec["api_key"]) if spec.get("api_key") else None
    )
    for grant in spec.get("privileges", []):
        target = _target(world, grant)
        world.add_privilege(user, grant["level"], **target)
        if key:
            world.add_privilege(
                user, grant["level"], api_key_id=key.id, password_required=False, **target
            )
    return user


def _target(world: World, grant: dict[str, Any]) -> dict[str, int]:
    a = world.accounts[world.account_by_name[grant["account"]]]
    if grant["level"] == "account_admin":
        return {"account_id": a.id}
    g = world.groups[world.group_names[a.id][grant["group"]]]
    if grant["level"] == "group_admin":
        return {"group_id": g.id}
    return {"virtual_machine_id": world.vm_names[g.id][grant["vm"]]}
