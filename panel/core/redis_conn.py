"""One pooled Redis client per URL for the panel's short calls (live-status nudges, the read
cache's write counter), with short socket timeouts: a Redis that is down must cost a page or
a worker step a second at most, never hang it.

The calls a page can do without (``quietly``: the counters that tell whether what a process
keeps is still current) are not made again for a few seconds after one failed, so that a
Redis that is down costs one page that second, not every page.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT = 1.0
RETRY_SECONDS = 5.0  # after a failed quiet call, how long Redis is not asked again
_down_until = 0.0

_clients: dict[str, redis.Redis] = {}
_lock = threading.Lock()


def shared_redis() -> redis.Redis:
    url = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        with _lock:
            client = _clients.get(url)
            if client is None:
                client = _clients[url] = redis.Redis.from_url(
                    url, socket_connect_timeout=SOCKET_TIMEOUT, socket_timeout=SOCKET_TIMEOUT
                )
    return client


def quietly[T](call: Callable[[redis.Redis], T], purpose: str) -> T | None:
    """``call(shared_redis())``, or None when Redis fails — and, for ``RETRY_SECONDS`` after
    a failure, None without asking. ``purpose`` names what goes without in the log."""
    global _down_until
    if time.monotonic() < _down_until:
        return None
    try:
        return call(shared_redis())
    except (redis.RedisError, OSError) as error:
        _down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("%s off for %g s: no Redis (%s)", purpose, RETRY_SECONDS, error)
        return None


def forget_outage() -> None:
    """Ask Redis again at the next quiet call (tests)."""
    global _down_until
    _down_until = 0.0
