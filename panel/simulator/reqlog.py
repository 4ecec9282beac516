"""The request log behind ``GET /_sim/requests`` (never holds a raw token)."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

MAX_ENTRIES = 50_000  # bounded so long benchmarks cannot grow memory without limit


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=MAX_ENTRIES)
        self._seq = 0

    def record(self, **entry: Any) -> None:
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)

    def since(self, seq: int) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": [dict(e) for e in self._entries if e["seq"] > seq],
                "last_seq": self._seq,
            }

    def clear(self) -> None:
        # The sequence keeps counting so a reader's "since" never sees an entry twice.
        with self._lock:
            self._entries.clear()
