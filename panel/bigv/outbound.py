"""The panel's one HTTP request that is not to BigV: a POST to a URL a person typed (a
webhook, ``panel.webhooks``), with no token, sent once, never redirected, its answer's body
never read, and only where ``Destinations`` allows.

Where it may connect: public addresses, and the private networks an operator lists. The
URL is typed by a person, and the panel's workers POST to it. Left alone they would go
wherever it points: the cloud's metadata service (169.254.169.254), the panel's own Redis
or database, an admin page on the office network. So in production a webhook reaches public
(globally routable) addresses only, plus the networks named in
``PANEL_WEBHOOK_PRIVATE_NETWORKS`` (a team's own chat server, say); development and tests
reach anything (their receivers run on this machine).

A public-looking name may resolve to a private address, or be made to between a check and
the connection (DNS rebinding). The address is therefore checked on the socket itself, once
it has connected and before anything is sent: what is checked is where the bytes would go.
URLs that name an address outright are refused earlier, when the person saves them.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RefusedDestination(ValueError):
    """The address a webhook would reach is not one webhooks may go to."""


class OutboundFailed(Exception):
    """The POST did not succeed. ``status`` is the receiver's answer (None: no answer);
    ``retry`` says whether trying again later may help."""

    def __init__(self, message: str, *, status: int | None = None, retry: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.retry = retry


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    found = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0")
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped  # "::ffff:10.0.0.1" is 10.0.0.1
    return found


@dataclass(frozen=True, slots=True)
class Destinations:
    anywhere: bool = False  # development and tests: this machine and private networks too
    networks: tuple[Network, ...] = ()  # private networks allowed besides public addresses

    @classmethod
    def of(cls, networks: Iterable[str], *, anywhere: bool) -> Destinations:
        """From networks already checked ("10.20.0.0/16": the settings read them,
        ``panel.core.settings_env.env_networks``)."""
        return cls(anywhere=anywhere, networks=tuple(ipaddress.ip_network(n) for n in networks))

    def allows(self, address: str) -> bool:
        if self.anywhere:
            return True
        try:
            found = _address(address)
        except ValueError:
            return False
        return found.is_global or any(found in network for network in self.networks)

    def check_literal(self, host: str) -> None:
        """Refuse a URL's host that is an address webhooks may not go to (names pass here:
        where they lead is checked when connecting)."""
        try:
            _address(host)
        except ValueError:
            return
        if not self.allows(host):
            raise RefusedDestination(
                f"Webhooks may not go to {host}: it is not a public address "
                "(PANEL_WEBHOOK_PRIVATE_NETWORKS lists the private networks allowed)."
            )

    def adapter(self) -> HTTPAdapter:
        """A requests adapter whose connections check the address they reached."""
        return _CheckingAdapter(self)


def _checking(base: type[HTTPConnection], destinations: Destinations) -> type[HTTPConnection]:
    class Checking(base):  # type: ignore[valid-type,misc]
        def _new_conn(self) -> socket.socket:
            sock: socket.socket = super()._new_conn()
            peer = str(sock.getpeername()[0])
            if not destinations.allows(peer):
                sock.close()
                raise RefusedDestination(
                    f"Webhooks may not go to {self.host}: it leads to {peer}, which is not a "
                    "public address (PANEL_WEBHOOK_PRIVATE_NETWORKS lists the private "
                    "networks allowed)."
                )
            return sock

    return Checking


class _CheckingAdapter(HTTPAdapter):
    def __init__(self, destinations: Destinations) -> None:
        self._destinations = destinations
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        http = _checking(HTTPConnection, self._destinations)
        https = _checking(HTTPSConnection, self._destinations)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("CheckingPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type("CheckingTlsPool", (HTTPSConnectionPool,), {"ConnectionCls": https}),
        }


def post_once(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    destinations: Destinations,
    connect_timeout: float,
    read_timeout: float,
) -> int:
    """POST ``body`` to ``url``; return the 2xx status, else raise ``OutboundFailed``
    (``RefusedDestination`` if the connection reached an address not allowed)."""
    with requests.Session() as session:
        session.trust_env = False  # no proxy or .netrc from the environment
        session.mount("http://", destinations.adapter())
        session.mount("https://", destinations.adapter())
        try:
            response = session.post(
                url,
                data=body,
                headers=headers,
                timeout=(connect_timeout, read_timeout),
                allow_redirects=False,
                stream=True,  # the body is never read
            )
        except requests.Timeout as error:
            raise OutboundFailed("The receiver did not answer in time.") from error
        except requests.RequestException as error:
            raise OutboundFailed(
                f"Could not reach the receiver ({type(error).__name__})."
            ) from error
        status = response.status_code
        response.close()
    return _judged(status)


def _judged(status: int) -> int:
    if 200 <= status < 300:
        return status
    if 300 <= status < 400:
        raise OutboundFailed(
            f"The receiver redirected ({status}); redirects are not followed.",
            status=status,
            retry=False,
        )
    # A 4xx says this request is wrong for this receiver (a revoked or mistyped URL): sending
    # it again will not help — except "too early", "too many" and a timeout of its own.
    retry = status >= 500 or status in (408, 425, 429)
    raise OutboundFailed(f"The receiver answered {status}.", status=status, retry=retry)
