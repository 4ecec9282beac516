"""IP addresses and their reverse DNS (docs/bigv-api.md §7.6). A VM's NICs come embedded in
the VM (``BigVClient.vm``)."""

from __future__ import annotations

from ._base import ResourceBase, seg
from .types import Ip


class NetworkMixin(ResourceBase):
    def ip(self, address: str) -> Ip:
        return self._transport.call("GET", f"/ips/{seg(address)}", Ip.from_json)

    def ip_set_rdns(self, address: str, rdns: str) -> Ip:
        path = f"/ips/{seg(address)}"
        return self._transport.call("PUT", path, Ip.from_json, body={"rdns": rdns})
