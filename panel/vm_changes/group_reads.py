"""A client whose ``vm()`` answers from one listing of the VM's group.

The planners read a VM with ``client.vm(...)``: for a batch of 200 VMs in a few groups that
would be 200 calls, once for the preview and again at Start. With ``GroupReads`` each group
is listed once (the listing carries every field a plan reads, so the digest of a plan made
from it is the digest of the same plan made from a VM read); a VM the listing does not name
(a numeric name, a race) is asked for as the planner would. Everything else goes to the
real client.
"""

from __future__ import annotations

from typing import Any

from panel.bigv import BigVClient, NotFound, VirtualMachine


class GroupReads:
    def __init__(self, client: BigVClient) -> None:
        self._client = client
        self._groups: dict[tuple[str, str], dict[str, VirtualMachine]] = {}

    def vm(self, account: str, group: str, vm: str, **kwargs: Any) -> VirtualMachine:
        key = (account, group)
        if key not in self._groups:
            try:
                listed = self._client.vms(account, group)
            except NotFound:
                listed = []
            self._groups[key] = {item.name: item for item in listed}
        found = self._groups[key].get(vm)
        if found is None:
            return self._client.vm(account, group, vm, **kwargs)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)
