"""Filtering, searching and sorting of the VM table, done on the one overview response.

Pure functions over ``panel.bigv.types`` values: no API calls and no Django, so the rules
are easy to test and the page costs exactly one request however it is sorted.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import msgspec

from panel.bigv.types import VirtualMachine


class VmRow(msgspec.Struct, frozen=True, gc=False):
    """One line of the table: the VM plus the names needed for its links and columns.

    A Struct like the VM it carries (panel.bigv.types): a fresh read makes one per VM, and a
    Struct is made several times faster than a frozen dataclass."""

    account: str
    group: str
    vm: VirtualMachine
    # The row's HTML once panel.inventory.rows has built it, by ``show_place``. Rows live in
    # the read cache for a few seconds, so each later sort or filter reuses their markup.
    html: dict[bool, str] = msgspec.field(default_factory=dict)

    @property
    def state(self) -> str:
        return power_state(self.vm)

    @property
    def ipv4(self) -> str:
        return primary_ipv4(self.vm)


@dataclass(frozen=True, slots=True)
class VmQuery:
    q: str = ""
    power: str = ""  # "", "running", "off", "deleted"
    zone: str = ""
    profile: str = ""
    account: str = ""
    group: str = ""
    show_deleted: bool = False
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True, slots=True)
class VmListing:
    """The table after the query, plus what the filter controls offer (taken from the
    unfiltered response so that a filter never hides its own alternatives)."""

    rows: tuple[VmRow, ...]
    total: int
    query: VmQuery
    zones: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    filtered: bool = False
    as_of: datetime | None = None  # when BigV gave the data (it may come from the read cache)


def power_state(vm: VirtualMachine) -> str:
    if vm.deleted:
        return "deleted"
    return "running" if vm.power_on else "off"


def primary_ipv4(vm: VirtualMachine) -> str:
    """The address the IP column shows: the first IPv4 among the interfaces' primary
    addresses (``ips``, in interface order) — never an additional, routed ``extra_ips`` one."""
    for nic in vm.network_interfaces:
        for address in nic.ips:
            if _version(address) == 4:
                return address
    return ""


@lru_cache(maxsize=16384)  # a table of 2000 VMs parsed 2000 addresses on every fresh read
def _version(address: str) -> int:
    try:
        return ipaddress.ip_address(address).version
    except ValueError:  # an answer we cannot read as an address is not shown as one
        return 0


def _ip_key(row: VmRow) -> tuple[int, int]:
    """Numeric order (10.0.0.9 before 10.0.0.10); VMs without an IPv4 last."""
    address = row.ipv4
    return (0, int(ipaddress.IPv4Address(address))) if address else (1, 0)


def _text(value: object) -> str:
    return str(value or "").casefold()


_POWER_ORDER = {"running": 0, "off": 1, "deleted": 2}

SORT_KEYS: dict[str, Callable[[VmRow], Any]] = {
    "name": lambda r: _text(r.vm.name),
    "power": lambda r: _POWER_ORDER[r.state],
    "cores": lambda r: r.vm.cores or 0,
    "memory": lambda r: r.vm.memory or 0,
    "disc": lambda r: r.vm.total_disc_mib,
    "zone": lambda r: _text(r.vm.zone_name),
    "profile": lambda r: _text(r.vm.hardware_profile),
    "hostname": lambda r: _text(r.vm.hostname),
    "ip": _ip_key,
    "account": lambda r: _text(r.account),
    "group": lambda r: _text(r.group),
}


def matches(row: VmRow, query: VmQuery) -> bool:
    vm = row.vm
    if vm.deleted and not query.show_deleted:
        return False
    if query.power and row.state != query.power:
        return False
    if query.zone and vm.zone_name != query.zone:
        return False
    if query.profile and vm.hardware_profile != query.profile:
        return False
    if query.account and row.account != query.account:
        return False
    if query.group and row.group != query.group:
        return False
    if query.q:
        needle = query.q.casefold()
        haystack = [_text(vm.name), _text(vm.hostname), *(_text(ip) for ip in vm.ips)]
        if not any(needle in text for text in haystack):
            return False
    return True


@dataclass(frozen=True, slots=True)
class VmSet:
    """One read's rows as the table can show them — deleted ones only if they were asked for
    — in name order, with what the filters can offer. Worked out once per read, so that a
    sort or filter of a cached read (panel.core.read_cache) only filters and sorts."""

    rows: tuple[VmRow, ...]  # by name, then id
    zones: tuple[str, ...]
    profiles: tuple[str, ...]
    accounts: tuple[str, ...]
    groups: tuple[str, ...]

    @classmethod
    def of(cls, rows: Iterable[VmRow], *, show_deleted: bool) -> VmSet:
        # What the filters can choose from: deleted VMs only when they were asked for.
        visible = [r for r in rows if show_deleted or not r.vm.deleted]
        visible.sort(key=_by_name)
        zones, profiles, accounts, groups = set(), set(), set(), set()
        for row in visible:  # one pass for the four
            zones.add(row.vm.zone_name)
            profiles.add(row.vm.hardware_profile)
            accounts.add(row.account)
            groups.add(row.group)
        return cls(
            rows=tuple(visible),
            zones=_distinct(zones),
            profiles=_distinct(profiles),
            accounts=_distinct(accounts),
            groups=_distinct(groups),
        )


def apply(vms: VmSet, query: VmQuery, as_of: datetime | None = None) -> VmListing:
    """``vms`` (read with ``query.show_deleted``) filtered and sorted as ``query`` asks."""
    chosen = [r for r in vms.rows if matches(r, query)]
    if query.sort != "name" or query.descending:
        # A stable sort of the name-ordered rows: ties stay by name, then id, ascending.
        chosen.sort(key=SORT_KEYS.get(query.sort, SORT_KEYS["name"]), reverse=query.descending)
    return VmListing(
        rows=tuple(chosen),
        total=len(vms.rows),
        query=query,
        zones=vms.zones,
        profiles=vms.profiles,
        accounts=vms.accounts,
        groups=vms.groups,
        filtered=len(chosen) != len(vms.rows),
        as_of=as_of,
    )


def _by_name(row: VmRow) -> tuple[str, int]:
    return (row.vm.name.casefold(), row.vm.id)


def _distinct(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted((v for v in values if v), key=str.casefold))
