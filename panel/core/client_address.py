"""Where a request comes from: the one function that says it (``client_address``).

The address counts failed log-ins, locks them out and is written into every audit entry, so
a client must not be able to choose it. ``REMOTE_ADDR`` is the peer of the TCP connection —
the ASGI server is told to leave it alone (uvicorn ``--no-proxy-headers`` in the Dockerfile,
docker-compose.yml and ``make run``). ``X-Forwarded-For`` is believed only when that peer is
one of ``PANEL_TRUSTED_PROXIES`` (addresses or networks; none by default), and then only as
far as the proxies we trust wrote it: reading from the right, the first address that is not
itself a trusted proxy is the client. Whatever a client put in front of that is never read.

Anything malformed — an over-long header, a hop that is not an address, a scoped IPv6
address — ends the walk at the last address we could vouch for; nothing here raises, and
every answer is a canonical address short enough for the audit trail's 45-character column.

``TrustedProxyMiddleware`` applies the same rule to ``X-Forwarded-Proto`` (Django reads it
through ``SECURE_PROXY_SSL_HEADER``): from anyone else it is removed before Django looks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from panel.core.light_middleware import LightMiddleware

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Longer than any address (IPv6 with an embedded IPv4 is 45): not worth parsing.
_MAX_ADDRESS = 45
# Hops read from the right of X-Forwarded-For; a real chain of our own proxies is short.
_MAX_HOPS = 16
# Only the right-hand end of the header is ever read, so a huge header costs nothing more.
_MAX_TAIL = _MAX_HOPS * (_MAX_ADDRESS + 2)


def parse_trusted_proxies(values: Iterable[str]) -> list[str]:
    """``PANEL_TRUSTED_PROXIES`` for settings.py: each address or network in canonical form.

    Refuses what cannot be parsed, and "everyone" (``*``, ``0.0.0.0/0``, ``::/0``): trusting
    every peer would let any client write its own address."""
    networks = []
    for value in values:
        try:
            network = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"PANEL_TRUSTED_PROXIES: {value!r} is not an address or network "
                "(e.g. 172.31.255.1 or 10.0.0.0/24)"
            ) from None
        if network.prefixlen == 0:
            raise ImproperlyConfigured(
                f"PANEL_TRUSTED_PROXIES: {value!r} trusts every address; name the proxy's own"
            )
        networks.append(str(network))
    return networks


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def _trusted(address: Address) -> bool:
    networks = _networks(tuple(getattr(settings, "PANEL_TRUSTED_PROXIES", ())))
    return any(address.version == net.version and address in net for net in networks)


def _address(value: object) -> Address | None:
    """A bare IPv4 or IPv6 address, canonical (IPv4-mapped IPv6 as IPv4); None otherwise."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > _MAX_ADDRESS or "%" in value:  # "%": an IPv6 scope id
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest) -> str | None:
    """The client's address, canonical; None when the server gave no usable peer address."""
    peer = _address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    if not _trusted(peer):
        return str(peer)
    header = request.META.get("HTTP_X_FORWARDED_FOR")
    if not isinstance(header, str):
        return str(peer)
    vouched = peer  # the nearest address a trusted proxy stands behind
    hops = header[-_MAX_TAIL:].split(",")
    if len(header) > _MAX_TAIL:
        hops = hops[1:]  # the first piece may be cut in half
    for hop in reversed(hops[-_MAX_HOPS:]):
        address = _address(hop)
        if address is None:
            return str(vouched)
        if not _trusted(address):
            return str(address)
        vouched = address
    return str(vouched)


def peer_is_trusted_proxy(request: HttpRequest) -> bool:
    peer = _address(request.META.get("REMOTE_ADDR"))
    return peer is not None and _trusted(peer)


class TrustedProxyMiddleware(LightMiddleware):
    """First in MIDDLEWARE: a forwarded scheme counts only when a trusted proxy sent it."""

    def before(self, request: HttpRequest) -> None:
        if not peer_is_trusted_proxy(request):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
