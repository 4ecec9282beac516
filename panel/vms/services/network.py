"""A VM's addresses: reverse DNS, additional addresses added and removed (docs/bigv-api.md
§7.6, §9).

Every action is audited against the VM that holds the address (the page it was changed
from), and only that VM's own addresses may be touched: rights on one VM are no way to
change another's. BigV decides the rest — at most 4 additional addresses, IPv4 only today
— and its refusal is shown beside the field it names.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from panel.access.policy import Denied
from panel.audit import Action
from panel.bigv import BigVClient, Ip, IpAllocation, VirtualMachine
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._guard import guarded


@dataclass(frozen=True, slots=True)
class IpDeleted:
    """An additional address BigV took back (the answer is 204: nothing else to show)."""

    ref: VmRef
    address: str


def _same(one: str, two: str) -> bool:
    return ipaddress.ip_address(one) == ipaddress.ip_address(two)


def _owned(vm: VirtualMachine, address: str) -> bool:
    return any(_same(ip, address) for ip in vm.ips)


def _additional(vm: VirtualMachine, address: str) -> str | None:
    """The primary address ``address`` is routed via, if it is one of the VM's additional
    addresses (None otherwise)."""
    for nic in vm.network_interfaces:
        for extra, via in nic.extra_ips.items():
            if _same(extra, address):
                return via
    return None


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


def ip_add(
    *, actor: Actor, client: BigVClient, ref: VmRef, count: int, family: str, reason: str
) -> IpAllocation:
    """Ask BigV for ``count`` additional addresses on the VM's first interface (as the CLI's
    ``add ips`` does), giving ``reason``."""

    def has_interface(vm: VirtualMachine) -> None:
        if not vm.network_interfaces:
            raise ValidationError(f"{vm.name} has no network interface to add addresses to.")

    return guarded(
        actor=actor,
        action=Action.IP_CREATE,
        client=client,
        ref=ref,
        check=has_interface,
        call=lambda vm: client.ip_create(
            ref.account,
            ref.group,
            ref.vm,
            vm.network_interfaces[0].id,
            addresses=count,
            family=family,  # type: ignore[arg-type]
            reason=reason,
        ),
        params={"addresses": count, "family": family, "reason": reason},
        before=lambda vm: {"additional": sorted(vm.network_interfaces[0].extra_ips)},
        after=lambda made: {"added": list(made.ips)},
    )


def ip_delete(*, actor: Actor, client: BigVClient, ref: VmRef, address: str) -> IpDeleted:
    """Give one of the VM's **additional** addresses back to BigV. A primary address is
    never offered nor sent (BigV would refuse it; it is the VM's own)."""

    def additional(vm: VirtualMachine) -> None:
        if not _owned(vm, address):
            raise Denied(f"{address} is not one of {vm.name}'s addresses.")
        if _additional(vm, address) is None:
            raise ValidationError(
                f"{address} is a primary address of {vm.name}: only additional ones can go."
            )

    def delete(vm: VirtualMachine) -> IpDeleted:
        client.ip_delete(address)
        return IpDeleted(ref=ref, address=address)

    return guarded(
        actor=actor,
        action=Action.IP_DELETE,
        client=client,
        ref=ref,
        check=additional,
        call=delete,
        params={"address": address},
        before=lambda vm: {"address": address, "routed_via": _additional(vm, address)},
    )
