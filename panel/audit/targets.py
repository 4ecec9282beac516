"""What an entry is about: a typed reference plus a readable snapshot of its name.

The label is a snapshot on purpose: VMs get renamed, moved and purged, and the audit must
still say what the thing was called when the action happened.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    type: str
    id: str
    label: str

    @classmethod
    def vm(cls, vm_id: object, name: str, account: str, group: str) -> Target:
        return cls("vm", str(vm_id), f"{name} in {account}/{group}")

    @classmethod
    def group(cls, group_id: object, name: str, account: str) -> Target:
        return cls("group", str(group_id), f"{name} in {account}")

    @classmethod
    def account(cls, id: object, name: str) -> Target:
        return cls("account", str(id), name)

    @classmethod
    def user(cls, id: object, username: str) -> Target:
        return cls("user", str(id), username)

    @classmethod
    def operation(cls, id: object, label: str) -> Target:
        return cls("operation", str(id), label)
