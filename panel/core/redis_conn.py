"""One pooled Redis client per URL for the panel's short calls (live-status nudges, the read
cache's write counter), with short socket timeouts: a Redis that is down must cost a page or
a worker step a second at most, never hang it."""

from __future__ import annotations

import threading

import redis
from django.conf import settings

SOCKET_TIMEOUT = 1.0

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
