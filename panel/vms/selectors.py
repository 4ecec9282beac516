"""Reads for the VM page (docs/architecture.md, Layers: selectors return panel.bigv types)."""

from __future__ import annotations

from panel.bigv import BigVClient, Ip, NotFound, VirtualMachine
from panel.vms.refs import VmRef


def vm_detail(*, client: BigVClient, ref: VmRef, include_deleted: bool = False) -> VirtualMachine:
    """The VM with ``view=overview`` (discs and NICs embedded): one call, or two when it
    turns out to be deleted.

    A deleted VM is invisible without ``include_deleted`` (404). Asking for it only after
    that 404 keeps the usual page to one call, and a link to a just-deleted VM still shows
    it (flagged deleted, with Undelete and Purge) instead of "not found".
    """
    if include_deleted:
        return client.vm(ref.account, ref.group, ref.vm, overview=True, include_deleted=True)
    try:
        return client.vm(ref.account, ref.group, ref.vm, overview=True)
    except NotFound:
        return client.vm(ref.account, ref.group, ref.vm, overview=True, include_deleted=True)


def ip_rdns(*, client: BigVClient, address: str) -> Ip:
    """``GET /ips/{ip}``: loaded per address by its own fragment so the page stays cheap."""
    return client.ip(address)
