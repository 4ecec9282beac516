"""Reads of the operations table that each process keeps for a moment, while nothing changed.

"Running now" is in every page's header and every render of the team stream, and the VM
page shows the VM's operation: read afresh, each is an ORM query or two, ~0.4 ms, a
twentieth of a small page. Each process keeps an answer for ``seconds`` at most, and only
while no operation changed: every change the engine announces moves the team's generation
on (``panel.activity.live.events``), which is read from Redis first (~35 µs). The seconds
bound what no announcement covers (a lease renewed; access granted or withdrawn). Without
Redis nothing is kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from panel.activity.live.events import team_generation


class KeptWhileQuiet[T]:
    def __init__(self, seconds: float, most: int) -> None:
        self.seconds = seconds
        self.most = most  # answers at once per process, far more than a team asks for
        self._answers: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def read(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer kept for ``key`` under the current generation, or ``compute()``'s."""
        generation = team_generation()
        if generation is None:
            return compute()
        full = (key, generation)
        kept = self._answers.get(full)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        value = compute()
        self._keep(full, value)
        return value

    def forget(self) -> None:
        with self._lock:
            self._answers.clear()

    def _keep(self, key: Hashable, value: T) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._answers) >= self.most:
                for stale in [k for k, (until, _) in self._answers.items() if until <= now]:
                    del self._answers[stale]
                if len(self._answers) >= self.most:
                    self._answers.clear()
            self._answers[key] = (now + self.seconds, value)
