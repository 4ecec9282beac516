"""Who may do what (docs/bigv-api.md §10), computed once per request.

Levels: cluster_admin > account_admin > group_admin > vm_admin > vm_console.
Read: any privilege on the object or an ancestor, and for accounts/groups a privilege on
anything below them (a vm_console user sees the account and group holding its VM, with only
that VM inside). Write: account_admin on the account; group_admin on the group (its VMs and
discs, not the group itself); vm_admin on the VM (update, signal, reimage, discs). Creating,
deleting, purging, undeleting and moving VMs needs group_admin or above. Cannot read -> 404
for every method; can read but not write -> 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from panel.simulator.model import Group, Privilege, User, VirtualMachine
from panel.simulator.world import World

LEVELS: dict[str, int] = {
    "vm_console": 1,
    "vm_admin": 2,
    "group_admin": 3,
    "account_admin": 4,
    "cluster_admin": 5,
    "cluster_su": 6,
}


@dataclass
class Principal:
    user: User
    kind: str  # "session" or "apikey"
    factors: list[str] = field(default_factory=list)
    api_key_id: int | None = None


def usable_privileges(world: World, principal: Principal) -> list[Privilege]:
    """Privileges this credential may use.

    A privilege that carries ``api_key_id`` is for exclusive use with that key; a session
    uses only privileges without one (docs/bigv-api.md §3.5). ``yubikey_required`` privileges
    need a session whose factors include a yubikey (or the simulator's 2fa code).
    """
    out = []
    for p in world.privileges.values():
        if p.user_id != principal.user.id or p.api_key_id != principal.api_key_id:
            continue
        if p.yubikey_required and not {"yubikey", "2fa"} & set(principal.factors):
            continue
        out.append(p)
    return out


class Access:
    def __init__(self, world: World, principal: Principal) -> None:
        self.world = world
        self.principal = principal
        self.cluster = False
        self.account_admin: set[int] = set()
        self.group_admin: set[int] = set()
        self.vm_admin: set[int] = set()
        self.vm_console: set[int] = set()
        # Ancestors of anything the caller holds a privilege on: readable, not writable.
        self.below_accounts: set[int] = set()
        self.below_groups: set[int] = set()
        for p in usable_privileges(world, principal):
            self._add(p)

    def _add(self, p: Privilege) -> None:
        world = self.world
        if LEVELS.get(p.level, 0) >= LEVELS["cluster_admin"]:
            self.cluster = True
        elif p.level == "account_admin" and p.account_id is not None:
            self.account_admin.add(p.account_id)
        elif p.level == "group_admin" and p.group_id in world.groups:
            self.group_admin.add(p.group_id)
            self.below_accounts.add(world.groups[p.group_id].account_id)
        elif p.level in ("vm_admin", "vm_console") and p.virtual_machine_id in world.vms:
            vm = world.vms[p.virtual_machine_id]
            (self.vm_admin if p.level == "vm_admin" else self.vm_console).add(vm.id)
            self.below_groups.add(vm.group_id)
            self.below_accounts.add(world.groups[vm.group_id].account_id)

    # ---- accounts --------------------------------------------------------------------
    def read_account(self, account_id: int) -> bool:
        return self.write_account(account_id) or account_id in self.below_accounts

    def write_account(self, account_id: int) -> bool:
        return self.cluster or account_id in self.account_admin

    # ---- groups ----------------------------------------------------------------------
    def read_group(self, group: Group) -> bool:
        return self.admin_group(group) or group.id in self.below_groups

    def admin_group(self, group: Group) -> bool:
        """group_admin or above: create/delete/undelete/move the group's VMs."""
        return self.write_account(group.account_id) or group.id in self.group_admin

    def write_group(self, group: Group) -> bool:
        """Rename or delete the group itself: account_admin."""
        return self.write_account(group.account_id)

    # ---- virtual machines --------------------------------------------------------------
    def read_vm(self, vm: VirtualMachine) -> bool:
        return self.write_vm(vm) or vm.id in self.vm_console

    def write_vm(self, vm: VirtualMachine) -> bool:
        return vm.id in self.vm_admin or self.admin_group(self.world.groups[vm.group_id])

    def level_on(self, privilege: Privilege) -> int:
        """The caller's own level on a privilege's target (for granting lower ones)."""
        world = self.world
        if self.cluster:
            return LEVELS["cluster_admin"]
        account_id = privilege.account_id
        group_id = privilege.group_id
        level = 0
        if privilege.virtual_machine_id in world.vms:
            vm = world.vms[privilege.virtual_machine_id]
            group_id = vm.group_id
            if vm.id in self.vm_admin:
                level = LEVELS["vm_admin"]
            elif vm.id in self.vm_console:
                level = LEVELS["vm_console"]
        if group_id in world.groups:
            account_id = world.groups[group_id].account_id
            if group_id in self.group_admin:
                level = LEVELS["group_admin"]
        if account_id in self.account_admin:
            level = LEVELS["account_admin"]
        return level
