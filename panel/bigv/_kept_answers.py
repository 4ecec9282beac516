"""The last large answers decoded, kept with their bytes: an answer equal to one of them byte
for byte is not decoded again.

A group read afresh (a reload, the page after a change elsewhere) mostly comes back exactly
as it was read a moment before, by this person or a colleague: for a group of 500 VMs,
msgspec's decode of the same 600 KB was then about a sixth of the page's own time. Comparing
the bytes costs a ``memcmp`` (some 30 µs for that group), and the values are frozen
structs and tuples, so one decoded value can serve every request that read those bytes.

Nothing here depends on who asked: a value is handed out only for bytes equal to the bytes
it was decoded from, whoever's token brought them. Only bodies of at least ``MIN_BYTES``
are kept (smaller ones decode in microseconds), at most ``MAX_BYTES`` of bodies in all, the
least recently used going first. An entry is found by the body's length and its first and
last bytes; two different bodies that share those just take each other's place.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

MIN_BYTES = 32 * 1024
MAX_BYTES = 8 * 1024 * 1024  # with their decoded values (~1.5x), some 20 MB a process
_EDGE = 256  # bytes of each end in an entry's key


class KeptAnswers:
    def __init__(self, *, min_bytes: int = MIN_BYTES, max_bytes: int = MAX_BYTES) -> None:
        self.min_bytes = min_bytes
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[bytes, Any]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def decoded(self, content: bytes, decode: Callable[[bytes], Any]) -> Any:
        """What ``decode(content)`` gives: kept from an equal body ``decode`` read before, or
        decoded now (and kept, if the body is large enough). ``decode``'s errors pass through
        and keep nothing."""
        if len(content) < self.min_bytes or len(content) > self.max_bytes:
            return decode(content)
        key = (decode, len(content), content[:_EDGE], content[-_EDGE:])
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None and entry[0] == content:
            return entry[1]
        value = decode(content)
        self._keep(key, content, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def _keep(self, key: Hashable, content: bytes, value: Any) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old[0])
            self._entries[key] = (content, value)
            self._size += len(content)
            while self._size > self.max_bytes:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._size -= len(dropped)
