"""NICs and IP addresses (bigv-api.md §6.7)."""

from __future__ import annotations

from typing import Any

from ._base import ResourceBase, seg, vm_path
from ._json import Reader, list_of
from .types import Ip, NetworkInterface


def _allocated_ips(data: Any) -> list[str]:
    # The brain echoes the request with "ips" added (BC reads only "ips").
    return list(Reader(data, "ip_create").texts("ips"))


class NetworkMixin(ResourceBase):
    def nics(self, account: str | int, group: str | int, vm: str | int) -> list[NetworkInterface]:
        path = vm_path(account, group, vm) + "/nics"
        parse = list_of(NetworkInterface.from_json, "nics")
        return self._transport.call("GET", path, parse)

    def ip_create(
        self,
        account: str | int,
        group: str | int,
        vm: str | int,
        nic_id: int,
        *,
        addresses: int = 1,
        family: str = "ipv4",
        reason: str = "",
        contiguous: bool = False,
    ) -> list[str]:
        """Allocate additional addresses on a NIC (max 4 per VM, ipv4 only per [DOCS]);
        returns the allocated addresses. Never retried (POST)."""
        path = f"{vm_path(account, group, vm)}/nics/{seg(nic_id)}/ip_create"
        body = {
            "addresses": addresses,
            "family": family,
            "reason": reason,
            "contiguous": contiguous,
        }
        return self._transport.call("POST", path, _allocated_ips, body=body)

    def ip(self, address: str) -> Ip:
        return self._transport.call("GET", f"/ips/{seg(address)}", Ip.from_json)

    def ip_set_rdns(self, address: str, rdns: str) -> Ip:
        path = f"/ips/{seg(address)}"
        return self._transport.call("PUT", path, Ip.from_json, body={"rdns": rdns})
