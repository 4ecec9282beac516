"""What a person at the panel sees while a dependency is away: alice, logged in, reloading the
operations list, one operation's page and the group's VM table every half second.

Each round is "good" when every page answered below 500. With Redis or BigV down the pages
must keep answering (their live parts say so); with the database down they cannot, and what
counts is how soon after its return they answer again.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

import requests

LOGIN = ("alice", "alice-panel-pw")  # the demo seed's (panel.runtime seed_demo)
ROUND_EVERY = 0.5


@dataclass
class PageWatch:
    base: str
    paths: list[str]
    rounds: list[tuple[float, bool]] = field(default_factory=list)  # (monotonic, all < 500)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.session = requests.Session()
        page = self.session.get(f"{self.base}/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"
        answer = self.session.post(
            f"{self.base}/login/",
            data={"username": LOGIN[0], "password": LOGIN[1], "csrfmiddlewaretoken": token[1]},
            headers={"Referer": f"{self.base}/login/"},
            timeout=10,
        )
        assert "/login/" not in answer.url, "the drill could not log in as alice"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, name="page-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _watch(self) -> None:
        while not self._stop.is_set():
            good = all(self._answers(path) for path in self.paths)
            self.rounds.append((time.monotonic(), good))
            self._stop.wait(ROUND_EVERY)

    def _answers(self, path: str) -> bool:
        try:
            return self.session.get(f"{self.base}{path}", timeout=10).status_code < 500
        except requests.RequestException:
            return False

    def failed_rounds(self) -> int:
        return sum(1 for _, good in self.rounds if not good)

    def back_after(self, moment: float) -> float | None:
        """Seconds from ``moment`` (the dependency's return) to the first good round after
        it that every later round agrees with; None if the pages never came back."""
        last_bad = max((at for at, good in self.rounds if not good), default=None)
        if last_bad is None or last_bad < moment:
            return 0.0
        later = [at for at, good in self.rounds if good and at > last_bad]
        return later[0] - moment if later else None
