"""A short per-user cache of the big list reads (the VM tables), dropped by any panel write.

Sorting, filtering and searching a table of hundreds of VMs sends a request per keystroke or
click; each would re-download and re-parse the whole group from BigV. Instead the parsed
answer is kept for ``READ_CACHE_SECONDS`` (10 s by default) in this process, under a key made
of:

* the **identity** that read it — a keyed fingerprint of the BigV token
  (``PanelClient.cache_scope``), so one person's view (BigV privileges differ) is never shown
  to another, and reconnecting as another BigV user starts afresh;
* the brain's **write generation** — a counter in Redis that every panel write to that brain
  increments (``note_write``, hooked into every client in pages *and* workers). Any change
  made through the panel by anyone therefore shows on the next request, in every process;
* what was read (e.g. the group, and whether deleted VMs were asked for).

What the panel cannot see — a VM that powers itself off, a change made outside the panel —
shows after at most ``READ_CACHE_SECONDS``, or at once when the user reloads the page: a
browser reload sends ``Cache-Control: max-age=0`` (or ``no-cache``), which ``wants_fresh``
honours, as does the tables' "Refresh" link (``?fresh=1``). The tables say when their data
was read.

When Redis cannot be reached, the generation is unknown, so nothing is served from the cache
(and Redis is not asked again for a few seconds, so that a page costs no extra timeout).
Values are the client's frozen dataclasses, shared between requests without copying.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis
from django.conf import settings
from django.http import HttpRequest

from panel.core.redis_conn import forget_outage, quietly


@dataclass(frozen=True, slots=True)
class Read[T]:
    value: T
    fetched_at: datetime  # when BigV answered (UTC)
    cached: bool  # served from the cache rather than a request made now


@dataclass(slots=True)
class _Entry:
    value: Any
    fetched_at: datetime
    expires: float  # time.monotonic()
    weight: int


class _Store:
    """Entries in insertion order (all live equally long, so the oldest expire first),
    bounded by a total weight (VMs held) so that big fleets cannot exhaust memory."""

    def __init__(self) -> None:
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires <= time.monotonic():
                self._drop(key)
                return None
            return entry

    def put(self, key: Hashable, entry: _Entry, budget: int) -> None:
        if entry.weight > budget:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._weight += entry.weight
            now = time.monotonic()
            while self._entries:
                oldest_key, oldest = next(iter(self._entries.items()))
                if self._weight <= budget and oldest.expires > now:
                    break
                self._drop(oldest_key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0

    def _drop(self, key: Hashable) -> None:
        self._weight -= self._entries.pop(key).weight


_store = _Store()


def _generation_key(api_url: str) -> str:
    return f"panel:bigv-writes:{api_url}"


def _redis_call[T](call: Callable[[redis.Redis], T]) -> T | None:
    return quietly(call, "read cache")


def writes_generation(api_url: str) -> int | None:
    """How many writes the panel has sent to this brain (None: unknown, Redis is down)."""
    return _redis_call(lambda r: int(r.get(_generation_key(api_url)) or 0))


def note_write(api_url: str) -> None:
    """Every cached read of this brain, in every process, is stale from now on."""
    if _redis_call(lambda r: r.incr(_generation_key(api_url))) is None:
        _store.clear()  # at least this process stops serving what it had


def read[T](
    *,
    scope: str,
    api_url: str,
    what: tuple[Hashable, ...],
    fetch: Callable[[], T],
    weight: Callable[[T], int],
    fresh: bool = False,
) -> Read[T]:
    """``fetch()``'s answer, from the cache when this identity read ``what`` within the last
    ``READ_CACHE_SECONDS`` and no panel write to the brain happened since.

    ``fresh`` skips the lookup (the answer still refills the cache). An empty ``scope`` (an
    unauthenticated client) is never cached. ``weight`` sizes an entry for the memory bound.
    """
    ttl = float(settings.READ_CACHE_SECONDS)
    generation = writes_generation(api_url) if ttl > 0 and scope else None
    if generation is None:
        return Read(fetch(), datetime.now(UTC), cached=False)
    key = (scope, api_url, generation, *what)
    if not fresh:
        hit = _store.get(key)
        if hit is not None:
            return Read(hit.value, hit.fetched_at, cached=True)
    # The generation was read before the fetch: a write that lands meanwhile moves it on, so
    # what is stored below is never served after that write.
    value = fetch()
    fetched_at = datetime.now(UTC)
    entry = _Entry(value, fetched_at, time.monotonic() + ttl, max(1, weight(value)))
    _store.put(key, entry, int(settings.READ_CACHE_MAX_VMS))
    return Read(value, fetched_at, cached=False)


def wants_fresh(request: HttpRequest) -> bool:
    """The user asked for data read now: a reload (``Cache-Control: max-age=0`` or
    ``no-cache``, ``Pragma: no-cache``) or the "Refresh" link (``?fresh=1``)."""
    control = request.headers.get("Cache-Control", "").replace(" ", "").lower()
    directives = set(control.split(","))
    return (
        bool(directives & {"no-cache", "max-age=0", "no-store"})
        or "no-cache" in request.headers.get("Pragma", "").lower()
        or request.GET.get("fresh") == "1"
    )


def clear() -> None:
    """Forget everything this process holds (tests)."""
    _store.clear()
    forget_outage()
