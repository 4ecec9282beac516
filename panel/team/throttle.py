"""Login throttling (design.md §7): a few failures per username and per address, then a pause.

Counts live in Django's cache, so they are per process with the default local-memory cache
and shared once a shared cache (Redis) is configured. The window is fixed, not sliding:
simple, and good enough to turn a password-guessing run into a slow crawl.
"""

from __future__ import annotations

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_IP = 20


def _keys(username: str, ip: str | None) -> list[tuple[str, int]]:
    keys = [(f"team:login-fail:user:{username.strip().lower()}", MAX_FAILURES_PER_USERNAME)]
    if ip:
        keys.append((f"team:login-fail:ip:{ip}", MAX_FAILURES_PER_IP))
    return keys


def is_throttled(*, username: str, ip: str | None) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(username, ip))


def note_failure(*, username: str, ip: str | None) -> None:
    for key, _limit in _keys(username, ip):
        # add() sets the expiry once per window; incr() keeps it (fixed window).
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, WINDOW_SECONDS)


def clear_failures(*, username: str) -> None:
    # Only the username counter: a success must not reset a spraying address's counter.
    cache.delete(_keys(username, None)[0][0])
