"""What every series gets: the stack, the simulator, the configuration and the bench user."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests  # noqa: TID251 (the benchmark is an outside client)

from bench.config import Config
from bench.http import Sim, csrf_token, panel_login
from bench.stack import Stack

USERNAME = "bench"
PASSWORD = "bench-panel-pw-5e1f"  # noqa: S105 (a throwaway user in a throwaway database)


@dataclass
class Bench:
    stack: Stack
    cfg: Config
    out: Path
    sim: Sim
    token: str  # the bench user's BigV bearer token (an API key)
    web: requests.Session  # logged in to the panel as the bench user
    notes: list[str] = field(default_factory=list)
    memory: Any = None  # bench.memory.Sampler while the run lasts
    profile: bool = False  # profile the pages even when their targets are met

    @property
    def web_url(self) -> str:
        return self.stack.web_url

    def populate(self, group: str, vms: int, power_on_ratio: float = 0.7) -> None:
        """New VMs in the simulator, then "Check now" on the BigV connection page: the panel
        reads the bench user's BigV access again, as a person does after a change made
        elsewhere — so that the measured pages do not include that re-read (two API calls
        the first time a page names an object the kept access does not know)."""
        self.sim.populate(group, vms, power_on_ratio=power_on_ratio)
        page = self.web.get(f"{self.web_url}/bigv/", timeout=30)
        answer = self.web.post(
            f"{self.web_url}/bigv/check/",
            data={"csrfmiddlewaretoken": csrf_token(page.text)},
            timeout=120,
        )
        answer.raise_for_status()

    @classmethod
    def create(cls, stack: Stack, cfg: Config, out: Path) -> Bench:
        sim = Sim(stack.sim_url)
        token = sim.add_user(USERNAME, "bench-key-5e1f")
        stack.provision({"users": [{"username": USERNAME, "password": PASSWORD, "api_key": token}]})
        web = panel_login(stack.web_url, USERNAME, PASSWORD)
        return cls(stack=stack, cfg=cfg, out=out, sim=sim, token=token, web=web)
