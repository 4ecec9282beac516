"""Typed, frozen views of brain and auth objects (docs/bigv-api.md §6).

``from_json`` ignores unknown keys and raises ``InvalidResponse`` for a known key of the
wrong type. Sequences are tuples so values are immutable and hashable; the few dict fields
are excluded from the hash.

The values a VM table holds by the thousand (accounts, groups, VMs, their discs, interfaces
and backup schedules) are msgspec Structs without cycle-collector tracking (``gc=False``;
nothing in them can refer back to itself): msgspec reads a group of 2000 VMs into them in
half the time it takes for dataclasses, and the collector never scans the tens of thousands
of them that the read cache keeps. The rest are frozen dataclasses. No attribute or
property ever makes a request (docs/architecture.md, The client).
Request bodies (specs) live in ``specs.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

import msgspec

from ._json import Reader, as_list
from .backup_types import Backup, BackupSchedule
from .errors import InvalidResponse

# Request specs live in specs.py; re-exported so every typed value imports from here.
from .specs import DiscSpec, ImageInstall, VirtualMachineSpec


class Disc(msgspec.Struct, frozen=True, gc=False):
    id: int
    label: str
    size: int  # MiB (docs/bigv-api.md §13, C21: the 2014 text said bytes, examples MiB)
    storage_grade: str
    storage_pool: str | None = None
    virtual_machine_id: int | None = None
    backup_count: int | None = None
    backup_schedules: tuple[BackupSchedule, ...] = ()
    # Set while a backup is being restored onto it (the grade it goes back to, §9.1).
    new_storage_grade: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "disc")
        return cls(
            id=r.integer("id"),
            label=r.text_or("label", ""),
            size=r.integer("size"),
            storage_grade=r.text_or("storage_grade", ""),
            storage_pool=r.opt_text("storage_pool"),
            virtual_machine_id=r.opt_integer("virtual_machine_id"),
            backup_count=r.opt_integer("backup_count"),
            backup_schedules=r.objects("backup_schedules", BackupSchedule.from_json),
            new_storage_grade=r.opt_text("new_storage_grade"),
        )

    @property
    def restoring(self) -> bool:
        return self.new_storage_grade is not None


class NetworkInterface(msgspec.Struct, frozen=True, gc=False):
    id: int
    label: str | None
    mac: str
    vlan_num: int | None
    ips: tuple[str, ...] = ()
    # {"<extra ip>": "<ip it is routed via>"} (§6.5); not hashed so the NIC stays hashable.
    extra_ips: dict[str, str] = msgspec.field(default_factory=dict)
    virtual_machine_id: int | None = None

    def __hash__(self) -> int:
        # Every field but extra_ips (a dict), so that the interface stays hashable.
        return hash(
            (self.id, self.label, self.mac, self.vlan_num, self.ips, self.virtual_machine_id)
        )

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "network_interface")
        return cls(
            id=r.integer("id"),
            label=r.opt_text("label"),
            mac=r.text_or("mac", ""),
            vlan_num=r.opt_integer("vlan_num"),
            ips=r.texts("ips"),
            extra_ips=r.text_map("extra_ips"),
            virtual_machine_id=r.opt_integer("virtual_machine_id"),
        )


class Appliance(msgspec.Struct, frozen=True, gc=False):
    """What a VM booted instead of its own discs, e.g. BigV's rescue image (§8.8)."""

    name: str
    permanent: bool = False

    @classmethod
    def maybe(cls, data: Any) -> Self | None:
        """``null`` or absent: the VM runs from its discs, is off — or BigV does not say."""
        if data is None:
            return None
        r = Reader(data, "appliance")
        return cls(name=r.text("name"), permanent=r.flag("permanent"))


class VirtualMachine(msgspec.Struct, frozen=True, gc=False):
    id: int
    name: str
    group_id: int | None
    cores: int
    memory: int  # MiB
    power_on: bool
    autoreboot_on: bool
    cdrom_url: str | None = None
    hardware_profile: str | None = None
    hardware_profile_locked: bool = False
    zone_name: str | None = None
    keymap: str | None = None
    deleted: bool = False
    hostname: str | None = None
    head: str | None = None
    management_address: str | None = None
    last_imaged_with: str | None = None
    # Present with view=overview and on single-VM GETs; empty in plain lists.
    discs: tuple[Disc, ...] = ()
    network_interfaces: tuple[NetworkInterface, ...] = ()
    backup_count: int | None = None
    # The appliance it runs now, when BigV reports one (§13, C70); None: its discs, or unsaid.
    appliance: Appliance | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "virtual_machine")
        return cls(
            id=r.integer("id"),
            name=r.text("name"),
            group_id=r.opt_integer("group_id"),
            cores=r.integer("cores"),
            memory=r.integer("memory"),
            power_on=r.flag("power_on"),
            autoreboot_on=r.flag("autoreboot_on"),
            cdrom_url=r.opt_text("cdrom_url"),
            hardware_profile=r.opt_text("hardware_profile"),
            hardware_profile_locked=r.flag("hardware_profile_locked"),
            zone_name=r.opt_text("zone_name"),
            keymap=r.opt_text("keymap"),
            deleted=r.flag("deleted"),
            hostname=r.opt_text("hostname"),
            head=r.opt_text("head"),
            management_address=r.opt_text("management_address"),
            last_imaged_with=r.opt_text("last_imaged_with"),
            discs=r.objects("discs", Disc.from_json),
            network_interfaces=r.objects("network_interfaces", NetworkInterface.from_json),
            appliance=Appliance.maybe(r.data.get("appliance")),
            backup_count=r.opt_integer("backup_count"),
        )

    @property
    def total_disc_mib(self) -> int:
        return sum(disc.size for disc in self.discs)

    @property
    def ips(self) -> tuple[str, ...]:
        """Every address of every NIC: primary ``ips`` then the additional ``extra_ips``."""
        seen: dict[str, None] = {}
        for nic in self.network_interfaces:
            seen.update(dict.fromkeys(nic.ips))
            seen.update(dict.fromkeys(nic.extra_ips))
        return tuple(seen)


class Group(msgspec.Struct, frozen=True, gc=False):
    id: int
    account_id: int | None
    name: str
    virtual_machines: tuple[VirtualMachine, ...] = ()  # with view=overview

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "group")
        return cls(
            id=r.integer("id"),
            account_id=r.opt_integer("account_id"),
            name=r.text("name"),
            virtual_machines=r.objects("virtual_machines", VirtualMachine.from_json),
        )


class Account(msgspec.Struct, frozen=True, gc=False):
    id: int
    name: str
    suspended: bool = False
    groups: tuple[Group, ...] = ()  # with view=overview

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "account")
        return cls(
            id=r.integer("id"),
            name=r.text("name"),
            suspended=r.flag("suspended"),
            groups=r.objects("groups", Group.from_json),
        )


@dataclass(frozen=True, slots=True)
class Ip:
    address: str
    rdns: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "ip")
        # The docs say "address", BC's struct "ip" (docs/bigv-api.md §13, C19): BigV is
        # taken to send "address", and "ip" is accepted too.
        address = r.opt_text("address") or r.opt_text("ip")
        if address is None:
            raise InvalidResponse("ip.address is missing")
        return cls(address=address, rdns=r.opt_text("rdns"))


_DEFINITION_LISTS = (
    "distributions",
    "storage_grades",
    "zone_names",
    "hardware_profiles",
    "keymaps",
    "sendkeys",
)
_DEFINITION_MAPS = ("distribution_descriptions", "storage_grade_descriptions")


@dataclass(frozen=True, slots=True)
class Definitions:
    distributions: tuple[str, ...] = ()
    storage_grades: tuple[str, ...] = ()
    zone_names: tuple[str, ...] = ()
    hardware_profiles: tuple[str, ...] = ()
    keymaps: tuple[str, ...] = ()
    sendkeys: tuple[str, ...] = ()
    distribution_descriptions: dict[str, str] = field(default_factory=dict, hash=False)
    storage_grade_descriptions: dict[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """``GET /definitions`` is an array of ``{"id", "data"}`` (§6.10); unknown ids are
        skipped, as BC does."""
        values: dict[str, Any] = {}
        for item in as_list(data, "definitions"):
            r = Reader(item, "definition")
            key = r.text("id")
            if key in _DEFINITION_LISTS:
                values[key] = r.texts("data")
            elif key in _DEFINITION_MAPS:
                values[key] = r.text_map("data")
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Privilege:
    id: int
    level: str
    username: str | None = None
    account_id: int | None = None
    group_id: int | None = None
    virtual_machine_id: int | None = None
    api_key_id: int | None = None
    yubikey_required: bool = False
    password_required: bool = False
    # The target's name as BigV answers it (§6.8), and who granted it: for showing only.
    account_name: str | None = None
    group_name: str | None = None
    virtual_machine_name: str | None = None
    creating_username: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "privilege")
        return cls(
            id=r.integer("id"),
            level=r.text("level"),
            username=r.opt_text("username"),
            account_id=r.opt_integer("account_id"),
            group_id=r.opt_integer("group_id"),
            virtual_machine_id=r.opt_integer("virtual_machine_id"),
            api_key_id=r.opt_integer("api_key_id"),
            yubikey_required=r.flag("yubikey_required"),
            password_required=r.flag("password_required"),
            account_name=r.opt_text("account_name"),
            group_name=r.opt_text("group_name"),
            virtual_machine_name=r.opt_text("virtual_machine_name"),
            creating_username=r.opt_text("creating_username"),
        )


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    email: str | None = None
    authorized_keys: str = ""  # one newline-separated string (§6.7)

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "user")
        return cls(
            id=r.integer("id"),
            username=r.text("username"),
            email=r.opt_text("email"),
            authorized_keys=r.text_or("authorized_keys", ""),
        )


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """``GET {auth}/session/{token}`` (docs/bigv-api.md §3.1, §6.11)."""

    username: str
    factors: tuple[str, ...] = ()
    group_memberships: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "session")
        return cls(
            username=r.text("username"),
            factors=r.texts("factors"),
            group_memberships=r.texts("group_memberships"),
        )


__all__ = [
    "Account",
    "Appliance",
    "Backup",
    "BackupSchedule",
    "Definitions",
    "Disc",
    "DiscSpec",
    "Group",
    "ImageInstall",
    "Ip",
    "NetworkInterface",
    "Privilege",
    "SessionInfo",
    "User",
    "VirtualMachine",
    "VirtualMachineSpec",
]
