"""BigV's privilege levels and what each allows a person to do through the panel.

Levels, lowest first (docs/bigv-api.md §10): ``vm_console`` (the console only), ``vm_admin``
(change and administer one VM: specs, power, discs, addresses), ``group_admin`` (create,
delete, purge, undelete and move the VMs of a group), ``account_admin`` (everything in an
account, its groups included), then the cluster levels. A level on an account or group holds
for everything inside it.
"""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    NONE = 0  # sees it (it lies inside something the person holds), may do nothing
    VM_CONSOLE = 1
    VM_ADMIN = 2
    GROUP_ADMIN = 3
    ACCOUNT_ADMIN = 4
    CLUSTER_ADMIN = 5
    CLUSTER_SU = 6

    @classmethod
    def of(cls, name: str) -> Level:
        """BigV's name of a level (the CLI's aliases too); unknown names grant nothing."""
        name = {"server_admin": "vm_admin", "console": "vm_console"}.get(name, name)
        return cls.__members__.get(name.upper(), cls.NONE)

    @property
    def label(self) -> str:
        return self.name.lower()


class Need(IntEnum):
    """What an action needs on the object it acts on (the lowest level that allows it)."""

    READ = Level.NONE
    CONSOLE = Level.VM_CONSOLE  # open the console
    MANAGE = Level.VM_ADMIN  # power, settings, discs, addresses, spec, reimage
    LIFECYCLE = Level.GROUP_ADMIN  # create, delete, undelete, purge, move VMs
    ADMINISTER = Level.ACCOUNT_ADMIN  # create, rename, delete groups

    @property
    def verb(self) -> str:
        """What the need allows, before the object's name: "may not change web1"."""
        return _VERBS[self]


_VERBS = {
    Need.READ: "see",
    Need.CONSOLE: "open the console of",
    Need.MANAGE: "change",
    Need.LIFECYCLE: "create, delete or move VMs in",
    Need.ADMINISTER: "change the groups of",
}
