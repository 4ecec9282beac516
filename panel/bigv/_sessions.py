"""The HTTP session every client of a thread shares: BigV's connections outlive a client.

A client lives for one page or one run of an operation. With a ``requests.Session`` of its
own, each of them opened a new connection to BigV for its first call — a TCP handshake
against the simulator, and a TLS handshake as well against the real service, on every page
and every run — while the connection the last page used sat closed. Here each thread keeps
one session, so a page's call goes out on the connection the thread's previous call left
open (urllib3 checks that the server has not closed it before it is reused).

What a shared session must not carry from one person's call to the next: cookies (it
accepts none; BigV sets none, and the token travels in each request's own header) and
the environment of a moment. ``requests`` reads the proxy variables on every request
(``trust_env``) — a walk over the whole environment, twice a call — and would add a
``.netrc`` login over the token. The session does not look at the environment; the proxy and
CA bundle settings for a BigV address are read once (``environment_for``) and passed with
each request, as ``requests`` would have found them.

A connection a thread has not used for ``IDLE_SECONDS`` is not used again: a server closes
idle connections after its own timeout, and a firewall or NAT between may forget one
without a word — a request sent on it would wait out its read timeout, and a POST is never
retried (transport.py). A server's close is seen before reuse (urllib3 checks the socket);
the bound covers the silent kind.

A thread's session is its own (``requests.Session`` is not meant to be shared between
threads); a forked child (a Celery pool process) starts without one, so it never reads an
answer from a socket its parent is using.
"""

from __future__ import annotations

import functools
import os
import threading
from http.cookiejar import DefaultCookiePolicy
from time import monotonic
from typing import Any

import requests
from requests.utils import get_environ_proxies

from ._watchdog import DeadlineAdapter

IDLE_SECONDS = 30.0

_local = threading.local()


def shared_session() -> requests.Session:
    """This thread's session for BigV, made on first use; its connections are dropped once
    it has not been asked for in ``IDLE_SECONDS`` (a client asks when it is made, and lives
    for one page or one run)."""
    now = monotonic()
    session: requests.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _new_session()
        _local.session = session
    elif now - _local.taken > IDLE_SECONDS:
        session.close()  # its pools go; the next request opens a new connection
    _local.taken = now
    return session


def _new_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # read once per address instead (environment_for)
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # keeps no cookie
    adapter = DeadlineAdapter()  # the deadline watchdog (_watchdog.py)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@functools.lru_cache(maxsize=32)
def environment_for(url: str) -> dict[str, Any]:
    """What ``requests`` would take from the environment for ``url``: the proxies (minus the
    hosts ``NO_PROXY`` exempts) and a CA bundle named by ``REQUESTS_CA_BUNDLE`` or
    ``CURL_CA_BUNDLE``. Read once per address and process: a change of these variables
    takes effect at the next start, as every other setting does."""
    verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return {"proxies": get_environ_proxies(url), "verify": verify}


def _forget_in_child() -> None:
    # The parent's open connections are not the child's to use; its copy of the session
    # is dropped unread (closing the copies of the sockets leaves the parent's open).
    global _local
    _local = threading.local()


os.register_at_fork(after_in_child=_forget_in_child)
