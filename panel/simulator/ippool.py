"""Address allocation: public IPv4 from documentation ranges, IPv6, MACs, management IPs.

The three RFC 5737 documentation /24s come first (they look right in demos and never clash
with a real host); benchmarks with thousands of VMs overflow into RFC 6598 shared address
space (100.64.0.0/10), which is equally unroutable on the internet. .0, .1 (gateway) and
.255 of each /24 are never handed out.
"""

from __future__ import annotations

_DOC_NETS = ("192.0.2", "198.51.100", "203.0.113")
_HOSTS_PER_NET = 253  # .2 .. .254
_SHARED_NETS = 64 * 256  # the /24s of 100.64.0.0/10


def pool_address(index: int) -> str:
    """The ``index``-th address of the pool, in allocation order."""
    net, host = divmod(index, _HOSTS_PER_NET)
    host += 2
    if net < len(_DOC_NETS):
        return f"{_DOC_NETS[net]}.{host}"
    n = net - len(_DOC_NETS)
    if n >= _SHARED_NETS:
        raise RuntimeError("simulated IPv4 pool exhausted")
    return f"100.{64 + (n >> 8)}.{n & 255}.{host}"


def in_pool(address: str) -> bool:
    parts = address.split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return False
    prefix, host = ".".join(parts[:3]), int(parts[3])
    if not 2 <= host <= 254:
        return False
    if prefix in _DOC_NETS:
        return True
    return parts[0] == "100" and 64 <= int(parts[1]) <= 127


def ipv6_for(nic_id: int) -> str:
    """One IPv6 per NIC from 2001:db8::/32 (RFC 3849 documentation prefix)."""
    return f"2001:db8:{(nic_id >> 16) & 0xFFFF:x}:{nic_id & 0xFFFF:x}::1"


def mac_for(nic_id: int) -> str:
    # fe:ff:ff prefix as in the account_overview fixture; locally administered.
    high, mid, low = (nic_id >> 16) & 0xFF, (nic_id >> 8) & 0xFF, nic_id & 0xFF
    return f"fe:ff:ff:{high:02x}:{mid:02x}:{low:02x}"


def management_address_for(vm_id: int) -> str:
    # Out-of-band console addresses live in a private range of their own, one per VM.
    return f"172.{16 + ((vm_id >> 16) & 15)}.{(vm_id >> 8) & 255}.{vm_id & 255}"


def head_for(vm_id: int) -> str:
    return f"head{(vm_id * 7) % 48 + 1}"


def storage_pool_for(disc_id: int, grade: str) -> str:
    return f"tail{disc_id % 12 + 1}-{grade}{disc_id % 3 + 1}"
