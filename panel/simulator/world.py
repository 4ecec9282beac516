"""The live world: primary tables, derived indexes, the clock, and mutation helpers.

Every read or write happens under ``world.lock`` (one lock for the whole world keeps the
rules simple; handlers stay fast, so contention is short). Indexes make every look-up by
name O(1) so nothing is quadratic in the number of VMs.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from panel.simulator import ippool
from panel.simulator.model import (
    Account,
    ApiKey,
    Backup,
    Disc,
    Group,
    Nic,
    Privilege,
    Session,
    User,
    VirtualMachine,
)

DEFAULT_TIMINGS: dict[str, float] = {
    # Seconds at speed 1; every duration is divided by ``world.speed``.
    "provision_seconds": 8.0,
    "reimage_seconds": 6.0,
    "acpi_shutdown_seconds": 4.0,
    "reboot_seconds": 1.0,
    # Backups and restores take time in proportion to the disc (docs/bigv-api.md §11).
    "backup_seconds_per_gib": 0.4,
    "restore_seconds_per_gib": 0.4,
}


class Clock:
    """Wall time plus an offset that tests can advance (``POST /_sim/clock/advance``)."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class World:
    def __init__(self, speed: float = 1.0) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self.speed = speed
        self.timings = dict(DEFAULT_TIMINGS)
        self.counters: dict[str, int] = {}
        self.accounts: dict[int, Account] = {}
        self.groups: dict[int, Group] = {}
        self.vms: dict[int, VirtualMachine] = {}
        self.discs: dict[int, Disc] = {}
        self.backups: dict[int, Backup] = {}
        # The earliest moment a backup, restore or schedule is due (0: look at all of them
        # on the next tick, as after loading a state file); see backups.tick.
        self.backup_due = 0.0
        self.nics: dict[int, Nic] = {}
        self.users: dict[int, User] = {}
        self.privileges: dict[int, Privilege] = {}
        self.api_keys: dict[int, ApiKey] = {}
        self.sessions: dict[str, Session] = {}
        self.rdns: dict[str, str] = {}  # explicit rDNS only; default is the VM hostname
        self.ip_next = 0
        self.ip_free: list[str] = []
        self.event_seq = 0
        self.events: list[tuple[float, int, int]] = []  # heap of (due, seq, vm_id)
        self.dirty = False
        self._clear_indexes()

    # ---- indexes -------------------------------------------------------------------
    def _clear_indexes(self) -> None:
        self.account_by_name: dict[str, int] = {}
        self.group_names: dict[int, dict[str, int]] = {}  # account id -> name -> group id
        self.vm_names: dict[int, dict[str, int]] = {}  # group id -> name -> vm id
        self.vm_discs: dict[int, list[int]] = {}
        self.vm_nics: dict[int, list[int]] = {}
        self.ip_owner: dict[str, int] = {}  # every primary and extra IP -> nic id
        self.user_by_name: dict[str, int] = {}
        self.key_by_secret: dict[str, int] = {}

    def reindex(self) -> None:
        """Rebuild derived indexes from the primary tables (after loading a state file)."""
        self._clear_indexes()
        for a in self.accounts.values():
            self.account_by_name[a.name] = a.id
            self.group_names[a.id] = {}
        for g in self.groups.values():
            self.group_names[g.account_id][g.name] = g.id
            self.vm_names[g.id] = {}
        for vm in self.vms.values():
            self.vm_names[vm.group_id][vm.name] = vm.id
            self.vm_discs[vm.id] = []
            self.vm_nics[vm.id] = []
        for d in sorted(self.discs.values(), key=lambda d: d.id):
            self.vm_discs[d.vm_id].append(d.id)
        for n in sorted(self.nics.values(), key=lambda n: n.id):
            self.vm_nics[n.vm_id].append(n.id)
            for ip in [*n.ips, *n.extra_ips]:
                self.ip_owner[ip] = n.id
        for u in self.users.values():
            self.user_by_name[u.username] = u.id
        for k in self.api_keys.values():
            self.key_by_secret[k.secret] = k.id

    def reset_from(self, other: World) -> None:
        """Replace the whole state in place so references to this World stay valid."""
        with self.lock:
            for name, value in vars(other).items():
                if name not in ("lock", "clock"):
                    setattr(self, name, value)
            self.dirty = True

    def now(self) -> float:
        return self.clock.now()

    def next_id(self, kind: str) -> int:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]

    # ---- accounts and groups ---------------------------------------------------------
    def add_account(self, name: str) -> Account:
        account = Account(id=self.next_id("account"), name=name)
        self.accounts[account.id] = account
        self.account_by_name[name] = account.id
        self.group_names[account.id] = {}
        return account

    def add_group(self, account: Account, name: str) -> Group:
        group = Group(id=self.next_id("group"), account_id=account.id, name=name)
        self.groups[group.id] = group
        self.group_names[account.id][name] = group.id
        self.vm_names[group.id] = {}
        return group

    def rename_group(self, group: Group, name: str) -> None:
        names = self.group_names[group.account_id]
        del names[group.name]
        names[name] = group.id
        group.name = name

    def remove_group(self, group: Group) -> None:
        del self.group_names[group.account_id][group.name]
        del self.vm_names[group.id]
        del self.groups[group.id]
        for p in [p for p in self.privileges.values() if p.group_id == group.id]:
            del self.privileges[p.id]

    def group_vms(self, group: Group) -> list[VirtualMachine]:
        """Non-purged VMs of a group (deleted ones included), in id order."""
        return [self.vms[i] for i in sorted(self.vm_names[group.id].values())]

    def account_groups(self, account: Account) -> list[Group]:
        return [self.groups[i] for i in sorted(self.group_names[account.id].values())]

    def hostname(self, vm: VirtualMachine) -> str:
        group = self.groups[vm.group_id]
        account = self.accounts[group.account_id]
        return f"{vm.name}.{group.name}.{account.name}.uk0.bigv.io"

    # ---- virtual machines ------------------------------------------------------------
    def add_vm(
        self, group: Group, name: str, ipv4: str | None = None, **attrs: Any
    ) -> VirtualMachine:
        vm_id = self.next_id("vm")
        vm = VirtualMachine(
            id=vm_id,
            group_id=group.id,
            name=name,
            management_address=ippool.management_address_for(vm_id),
            created_at=self.now(),
            **attrs,
        )
        self.vms[vm.id] = vm
        self.vm_names[group.id][name] = vm.id
        self.vm_discs[vm.id] = []
        self.vm_nics[vm.id] = []
        nic_id = self.next_id("nic")
        address = ipv4 if ipv4 is not None else self.allocate_ipv4()
        if ipv4 is not None and ipv4 in self.ip_free:
            self.ip_free.remove(ipv4)
        nic = Nic(
            id=nic_id,
            vm_id=vm.id,
            mac=ippool.mac_for(nic_id),
            ips=[address, ippool.ipv6_for(nic_id)],
        )
        self.nics[nic.id] = nic
        self.vm_nics[vm.id].append(nic.id)
        for ip in nic.ips:
            self.ip_owner[ip] = nic.id
        return vm

    def rename_vm(self, vm: VirtualMachine, name: str) -> None:
        names = self.vm_names[vm.group_id]
        del names[vm.name]
        names[name] = vm.id
        vm.name = name

    def move_vm(self, vm: VirtualMachine, group: Group) -> None:
        del self.vm_names[vm.group_id][vm.name]
        self.vm_names[group.id][vm.name] = vm.id
        vm.group_id = group.id

    def purge_vm(self, vm: VirtualMachine) -> None:
        """Remove completely: frees the name and returns every IP to the pool (docs/bigv-api.md
        §8.7)."""
        for disc_id in list(self.vm_discs[vm.id]):
            self.drop_backups(self.discs[disc_id])
            del self.discs[disc_id]
        for nic_id in self.vm_nics[vm.id]:
            nic = self.nics.pop(nic_id)
            for ip in [*nic.ips, *nic.extra_ips]:
                self.release_ip(ip)
        del self.vm_discs[vm.id]
        del self.vm_nics[vm.id]
        del self.vm_names[vm.group_id][vm.name]
        del self.vms[vm.id]
        for p in [p for p in self.privileges.values() if p.virtual_machine_id == vm.id]:
            del self.privileges[p.id]

    def vm_discs_of(self, vm: VirtualMachine) -> list[Disc]:
        return [self.discs[i] for i in self.vm_discs[vm.id]]

    def vm_nics_of(self, vm: VirtualMachine) -> list[Nic]:
        return [self.nics[i] for i in self.vm_nics[vm.id]]

    def add_disc(self, vm: VirtualMachine, label: str, size: int, grade: str, **attrs: Any) -> Disc:
        disc_id = self.next_id("disc")
        disc = Disc(
            id=disc_id,
            vm_id=vm.id,
            label=label,
            size=size,
            storage_grade=grade,
            storage_pool=ippool.storage_pool_for(disc_id, grade),
            **attrs,
        )
        self.discs[disc.id] = disc
        self.vm_discs[vm.id].append(disc.id)
        return disc

    def remove_disc(self, disc: Disc) -> None:
        self.vm_discs[disc.vm_id].remove(disc.id)
        self.drop_backups(disc)
        del self.discs[disc.id]

    # ---- backups ---------------------------------------------------------------------
    def disc_backups_of(self, disc: Disc) -> list[Backup]:
        return [self.backups[i] for i in disc.backup_ids]

    def add_backup(self, backup: Backup) -> None:
        self.backups[backup.id] = backup
        self.discs[backup.disc_id].backup_ids.append(backup.id)
        self.backup_due = min(self.backup_due, backup.due)

    def remove_backup(self, backup: Backup) -> None:
        self.discs[backup.disc_id].backup_ids.remove(backup.id)
        del self.backups[backup.id]

    def drop_backups(self, disc: Disc) -> None:
        """A disc's backups go with it (docs/bigv-api.md §13, C53)."""
        for backup_id in disc.backup_ids:
            del self.backups[backup_id]
        disc.backup_ids = []

    # ---- IP addresses ----------------------------------------------------------------
    def allocate_ipv4(self) -> str:
        while self.ip_free:
            ip = self.ip_free.pop(0)
            if ip not in self.ip_owner:
                return ip
        while True:
            ip = ippool.pool_address(self.ip_next)
            self.ip_next += 1
            if ip not in self.ip_owner:
                return ip

    def release_ip(self, ip: str) -> None:
        self.ip_owner.pop(ip, None)
        self.rdns.pop(ip, None)
        if ippool.in_pool(ip) and ":" not in ip:
            self.ip_free.append(ip)

    def add_extra_ip(self, nic: Nic) -> str:
        ip = self.allocate_ipv4()
        nic.extra_ips[ip] = nic.ips[0]
        self.ip_owner[ip] = nic.id
        return ip

    def remove_extra_ip(self, nic: Nic, ip: str) -> None:
        del nic.extra_ips[ip]
        self.release_ip(ip)

    # ---- people ----------------------------------------------------------------------
    def add_user(self, username: str, password: str, **attrs: Any) -> User:
        user = User(id=self.next_id("user"), username=username, password=password, **attrs)
        self.users[user.id] = user
        self.user_by_name[username] = user.id
        return user

    def user_named(self, username: str) -> User | None:
        user_id = self.user_by_name.get(username)
        return None if user_id is None else self.users[user_id]

    def add_privilege(self, user: User, level: str, **target: Any) -> Privilege:
        priv = Privilege(id=self.next_id("privilege"), user_id=user.id, level=level, **target)
        self.privileges[priv.id] = priv
        return priv

    def add_api_key(self, user: User, label: str, secret: str, **attrs: Any) -> ApiKey:
        key = ApiKey(
            id=self.next_id("api_key"), user_id=user.id, label=label, secret=secret, **attrs
        )
        self.api_keys[key.id] = key
        self.key_by_secret[secret] = key.id
        return key

    def remove_api_key(self, key: ApiKey) -> None:
        del self.api_keys[key.id]
        del self.key_by_secret[key.secret]
        for p in [p for p in self.privileges.values() if p.api_key_id == key.id]:
            del self.privileges[p.id]
