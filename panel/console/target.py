"""Where a VM's serial console is, and the commands that reach it with one's own tools.

BigV serves each VM's console at its management address: ``ssh <bigv-user>@<address>`` on
port 22 (the CLI's ``bytemark console``). ``BIGV_CONSOLE_ADDRESSES`` may send addresses
through a console gateway instead — ``NETWORK=HOST:PORT``, comma-separated — which is then
told the address in the login name, ``<bigv-user>+<address>``: how the simulator serves
every VM on one loopback port (docs/bigv-api.md §13, C80). Against the real BigV the setting
stays empty, and the panel connects exactly as the CLI would.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SSH_PORT = 22
VNC_PORT = 5900
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Target:
    host: str
    port: int
    login: str

    @property
    def via_gateway(self) -> bool:
        return "+" in self.login


@lru_cache(maxsize=8)
def _routes(value: str) -> tuple[tuple[Network, str, int], ...]:
    routes = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        network, equals, where = item.partition("=")
        host, colon, port = where.strip().rpartition(":")
        try:
            if not (equals and colon and host):
                raise ValueError(item)
            routes.append(
                (ipaddress.ip_network(network.strip(), strict=False), host.strip("[]"), int(port))
            )
        except ValueError:
            raise ImproperlyConfigured(
                f"BIGV_CONSOLE_ADDRESSES: {item!r} is not NETWORK=HOST:PORT"
            ) from None
    return tuple(routes)


def target(*, bigv_username: str, management_address: str) -> Target:
    """How to reach the console at ``management_address`` as ``bigv_username``."""
    address = ipaddress.ip_address(management_address)
    for network, host, port in _routes(settings.BIGV_CONSOLE_ADDRESSES):
        if address.version == network.version and address in network:
            return Target(host=host, port=port, login=f"{bigv_username}+{address}")
    return Target(host=str(address), port=SSH_PORT, login=bigv_username)


@dataclass(frozen=True, slots=True)
class Instructions:
    """The CLI's ``bytemark console --no-connect`` for one VM, and the same through the
    gateway when one is configured (what works from this panel's machine)."""

    serial: str
    vnc_tunnel: str
    vnc_url: str
    gateway_serial: str = ""


def instructions(*, bigv_username: str, management_address: str) -> Instructions:
    """The commands exactly as the CLI prints them (an IPv6 address in brackets, the tunnel
    through local port 9999)."""
    shown = management_address
    if ipaddress.ip_address(management_address).version == 6:
        shown = f"[{management_address}]"
    via = target(bigv_username=bigv_username, management_address=management_address)
    gateway = f"ssh -p {via.port} {via.login}@{via.host}" if via.via_gateway else ""
    return Instructions(
        serial=f"ssh {bigv_username}@{shown}",
        vnc_tunnel=f"ssh -L 9999:{shown}:{VNC_PORT} {bigv_username}@{shown}",
        vnc_url="vnc://localhost:9999/",
        gateway_serial=gateway,
    )
