"""A person's BigV scope: what their own credential can see, and their level on each object.

Built from two reads with their own client — ``GET /privileges`` (the privileges usable with
this credential) and the account tree (``GET /accounts?view=overview&include_deleted=true``,
every account, group and VM the credential can read) — and kept as plain JSON
(``models.BigVScope``), so every process (pages, streams, workers) answers "may she?" without
asking BigV again. The level on an object is the highest privilege on it or on anything that
holds it: a group_admin on ``web`` is group_admin on every VM in ``web``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from panel.access.levels import Level
from panel.bigv import Account, Privilege


@dataclass(frozen=True)
class VmPlace:
    vm_id: int
    name: str
    group_id: int
    group: str
    account_id: int
    account: str
    deleted: bool = False


@dataclass(frozen=True)
class Scope:
    # (level, "account" | "group" | "vm" | "cluster", object id or 0)
    privileges: tuple[tuple[int, str, int], ...] = ()
    accounts: Mapping[int, str] = field(default_factory=dict)
    groups: Mapping[int, tuple[int, str]] = field(default_factory=dict)  # id → (account, name)
    vms: Mapping[int, tuple[int, str, bool]] = field(default_factory=dict)  # id → (group, …)

    # --- building and storing -------------------------------------------------------------

    @classmethod
    def read(cls, privileges: Iterable[Privilege], accounts: Iterable[Account]) -> Scope:
        held: list[tuple[int, str, int]] = []
        for privilege in privileges:
            level = int(Level.of(privilege.level))
            if privilege.virtual_machine_id is not None:
                held.append((level, "vm", privilege.virtual_machine_id))
            elif privilege.group_id is not None:
                held.append((level, "group", privilege.group_id))
            elif privilege.account_id is not None:
                held.append((level, "account", privilege.account_id))
            elif level >= Level.CLUSTER_ADMIN:
                held.append((level, "cluster", 0))
        names: dict[int, str] = {}
        groups: dict[int, tuple[int, str]] = {}
        vms: dict[int, tuple[int, str, bool]] = {}
        for account in accounts:
            names[account.id] = account.name
            for group in account.groups:
                groups[group.id] = (account.id, group.name)
                for vm in group.virtual_machines:
                    vms[vm.id] = (group.id, vm.name, vm.deleted)
        return cls(tuple(sorted(held)), names, groups, vms)

    def to_json(self) -> dict[str, Any]:
        return {
            "privileges": [list(p) for p in self.privileges],
            "accounts": {str(k): v for k, v in self.accounts.items()},
            "groups": {str(k): list(v) for k, v in self.groups.items()},
            "vms": {str(k): list(v) for k, v in self.vms.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scope:
        return cls(
            privileges=tuple(
                (int(level), str(kind), int(oid)) for level, kind, oid in data.get("privileges", [])
            ),
            accounts={int(k): str(v) for k, v in data.get("accounts", {}).items()},
            groups={int(k): (int(a), str(n)) for k, (a, n) in data.get("groups", {}).items()},
            vms={int(k): (int(g), str(n), bool(d)) for k, (g, n, d) in data.get("vms", {}).items()},
        )

    # --- where things are ---------------------------------------------------------------

    def vm(self, vm_id: int | None) -> VmPlace | None:
        if vm_id is None or vm_id not in self.vms:
            return None
        group_id, name, deleted = self.vms[vm_id]
        account_id, group = self.groups.get(group_id, (0, ""))
        return VmPlace(
            vm_id, name, group_id, group, account_id, self.accounts.get(account_id, ""), deleted
        )

    def account_id(self, name: str) -> int | None:
        return next((aid for aid, n in self.accounts.items() if n == name), None)

    def group_id(self, account: str, group: str) -> int | None:
        account_id = self.account_id(account)
        return next(
            (gid for gid, (aid, n) in self.groups.items() if aid == account_id and n == group),
            None,
        )

    def vm_id(self, account: str, group: str, vm: str) -> int | None:
        """A VM by its path (names, or its id as the last segment)."""
        group_id = self.group_id(account, group)
        if vm.isdigit() and int(vm) in self.vms and self.vms[int(vm)][0] == group_id:
            return int(vm)
        return next(
            (vid for vid, (gid, n, _) in self.vms.items() if gid == group_id and n == vm), None
        )

    # --- levels ------------------------------------------------------------------------

    def _held(self, kind: str, oid: int | None) -> Level:
        best = Level.NONE
        for level, held_kind, held_id in self.privileges:
            if held_kind == "cluster" or (held_kind == kind and held_id == oid):
                best = max(best, Level(level))
        return best

    def level_on_account(self, account_id: int | None) -> Level:
        return self._held("account", account_id)

    def level_on_group(self, group_id: int | None) -> Level:
        account_id = self.groups.get(group_id, (None, ""))[0] if group_id is not None else None
        return max(self._held("group", group_id), self.level_on_account(account_id))

    def level_on_vm(self, vm_id: int | None) -> Level:
        group_id = self.vms.get(vm_id, (None, "", False))[0] if vm_id is not None else None
        return max(self._held("vm", vm_id), self.level_on_group(group_id))

    @property
    def highest(self) -> Level:
        return max((Level(level) for level, _, _ in self.privileges), default=Level.NONE)

    # --- what may be seen --------------------------------------------------------------

    def sees_vm(self, vm_id: int | None) -> bool:
        return vm_id is not None and vm_id in self.vms

    def sees_group(self, group_id: int | None) -> bool:
        return group_id is not None and group_id in self.groups

    def sees_account(self, account_id: int | None) -> bool:
        return account_id is not None and account_id in self.accounts

    def sees_path(self, account: str, group: str = "") -> bool:
        """An account (and a group in it) by name."""
        if not group:
            return self.account_id(account) is not None
        return self.group_id(account, group) is not None
