"""Reverse DNS of one of the VM's addresses (``PUT /ips/{ip}``, docs/bigv-api.md §7.6)."""

from __future__ import annotations

import ipaddress

from panel.access.policy import Denied
from panel.audit import Action
from panel.bigv import BigVClient, Ip, VirtualMachine
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._guard import guarded


def _owned(vm: VirtualMachine, address: str) -> bool:
    wanted = ipaddress.ip_address(address)
    return any(ipaddress.ip_address(ip) == wanted for ip in vm.ips)


def ip_set_rdns(*, actor: Actor, client: BigVClient, ref: VmRef, address: str, rdns: str) -> Ip:
    """Audited against the VM that holds the address (the page it was changed from). The
    address must be one of that VM's: rights on one VM are no way to rename another's
    address. "Before" is the address's reverse DNS as BigV has it now."""

    def owned(vm: VirtualMachine) -> None:
        if not _owned(vm, address):
            raise Denied(f"{address} is not one of {vm.name}'s addresses.")

    return guarded(
        actor=actor,
        action=Action.IP_RDNS,
        client=client,
        ref=ref,
        check=owned,
        call=lambda vm: client.ip_set_rdns(address, rdns),
        params={"address": address, "rdns": rdns},
        before=lambda vm: {"rdns": client.ip(address).rdns},
        after=lambda ip: {"rdns": ip.rdns},
    )
