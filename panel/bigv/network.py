"""IP addresses: reverse DNS, additional addresses, swapping two VMs' addresses
(docs/bigv-api.md §7.6, §9). A VM's NICs come embedded in the VM (``BigVClient.vm``).

Retries (§5.5, §13 C72): ``ip_create`` and the swap are POSTs, never retried. Deleting an
address is a DELETE the transport would normally retry — but a deleted address goes back to
the pool at once and may be handed to another VM before a retry arrives, so a retry could
remove someone else's new address: it is sent once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Self

from ._base import ResourceBase, seg, vm_path
from ._json import Reader
from .types import Ip, NetworkInterface

Family = Literal["ipv4", "ipv6"]
MAX_ADDITIONAL = 4  # per VM ([DOCS] NICs)


@dataclass(frozen=True, slots=True)
class IpAllocation:
    """The answer to ``ip_create``: the request echoed with the new ``ips`` (what BC reads)."""

    addresses: int
    family: str
    reason: str
    ips: tuple[str, ...]

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "ip_create")
        ips = r.texts("ips")
        return cls(
            addresses=r.opt_integer("addresses") or len(ips),
            family=r.text_or("family", "ipv4"),
            reason=r.text_or("reason", ""),
            ips=ips,
        )


@dataclass(frozen=True, slots=True)
class IpSwap:
    """The two NICs after ``swap_virtual_machine_ips`` (the answer's shape is the
    simulator's, §13 C37: no public source shows one)."""

    first: NetworkInterface
    second: NetworkInterface

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "swap_virtual_machine_ips")
        return cls(
            first=NetworkInterface.from_json(r.data.get("virtual_machine_1")),
            second=NetworkInterface.from_json(r.data.get("virtual_machine_2")),
        )


class NetworkMixin(ResourceBase):
    def ip(self, address: str) -> Ip:
        return self._transport.call("GET", f"/ips/{seg(address)}", Ip.from_json)

    def ip_set_rdns(self, address: str, rdns: str) -> Ip:
        path = f"/ips/{seg(address)}"
        return self._transport.call("PUT", path, Ip.from_json, body={"rdns": rdns})

    def ip_create(
        self,
        account: str | int,
        group: str | int,
        vm: str | int,
        nic: int,
        *,
        addresses: int = 1,
        family: Family = "ipv4",
        reason: str,
    ) -> IpAllocation:
        """Add ``addresses`` additional addresses on NIC ``nic`` (BC uses the VM's first),
        with BC's exact body. BigV allows 1 to 4 per VM, IPv4 only today; both are its to say
        (a 400 naming ``addresses`` or ``family``), so only the shape is checked here."""
        if isinstance(addresses, bool) or not 1 <= addresses <= MAX_ADDITIONAL:
            raise ValueError(f"ip_create: addresses must be 1 to {MAX_ADDITIONAL}")
        if family not in ("ipv4", "ipv6"):
            raise ValueError(f"ip_create: unknown family {family!r}")
        body = {"addresses": addresses, "family": family, "reason": reason, "contiguous": False}
        path = f"{vm_path(account, group, vm)}/nics/{seg(nic)}/ip_create"
        return self._transport.call("POST", path, IpAllocation.from_json, body=body)

    def ip_delete(self, address: str) -> None:
        """Remove an **additional** address (BigV refuses a primary one with 400). Sent
        once: a retry could remove the address after the pool gave it to another VM."""
        self._transport.request("DELETE", f"/ips/{seg(address)}", retry=False)

    def ips_swap(self, vm_1_id: int, vm_2_id: int, *, move_additional: bool = False) -> IpSwap:
        """Swap the primary addresses (IPv4 and IPv6) of two powered-off VMs, and with
        ``move_additional`` their additional ones too (BC's ``update server
        --swap-ips-with [--swap-extra-ips]``). The swap is its own inverse."""
        body = {
            "virtual_machine_1_id": vm_1_id,
            "virtual_machine_2_id": vm_2_id,
            "move_additional_ips": move_additional,
        }
        path = "/ips/swap_virtual_machine_ips"
        return self._transport.call("POST", path, IpSwap.from_json, body=body)
