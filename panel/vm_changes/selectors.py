"""The BigV reads the VM-change forms need before any plan (one API call each)."""

from __future__ import annotations

from panel.bigv import BigVClient, VirtualMachine
from panel.vms.refs import VmRef


def vm_now(*, client: BigVClient, ref: VmRef) -> VirtualMachine:
    """The VM as it is now (the spec form starts from its current values)."""
    return client.vm(ref.account, ref.group, ref.vm)


def group_names(*, client: BigVClient, account: str) -> list[str]:
    """The account's groups by name (the move and create forms' choices)."""
    return sorted((group.name for group in client.groups(account)), key=str.casefold)
