"""Series 4 — concurrent users: N panel users browsing group and VM pages at once.

Each simulated user is its own panel user connected with its own BigV user and API key, and
loops without think time: its group's page (50 VMs), then one of the group's VM pages, for
the run's duration (a closed loop: the request rate is what the panel sustains). Beside it,
the same loop straight against the simulator — the API calls those pages make, with the same
tokens — gives the simulator's own throughput for them.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

from bench.context import Bench
from bench.http import Sim, panel_session, summary

GROUP, SIZE = "load50", 50
GROUP_PATH = f"/accounts/demo/groups/{GROUP}"


def _closed_loop(
    users: int, seconds: float, make: Callable[[int], Callable[[int], bool]]
) -> dict[str, Any]:
    """Run ``users`` threads for ``seconds``; each calls its step(n) and times it."""
    latencies: list[list[float]] = [[] for _ in range(users)]
    errors = [0] * users
    start = threading.Barrier(users + 1)
    stop_at = [0.0]

    def user(index: int) -> None:
        step = make(index)
        start.wait()
        n = 0
        while time.monotonic() < stop_at[0]:
            t0 = time.perf_counter()
            try:
                ok = step(n)
            except Exception:
                ok = False
            latencies[index].append((time.perf_counter() - t0) * 1000.0)
            errors[index] += 0 if ok else 1
            n += 1

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + seconds + 600  # set properly once everyone is ready
    start.wait()
    began = time.monotonic()
    stop_at[0] = began + seconds
    for thread in threads:
        thread.join(timeout=seconds + 120)
    took = time.monotonic() - began
    flat = [ms for per_user in latencies for ms in per_user]
    return {
        "users": users,
        "seconds": round(took, 1),
        "requests": len(flat),
        "rps": round(len(flat) / took, 1),
        "errors": sum(errors),
        "latency_ms": summary(flat),
    }


def run(bench: Bench) -> dict[str, Any]:
    cfg = bench.cfg
    bench.stack.scale_workers(0)  # idle workers left by earlier series would share the CPUs
    bench.populate(GROUP, SIZE, power_on_ratio=0.7)
    names = [f"{GROUP}-{n:04d}" for n in range(1, SIZE + 1)]
    tokens = [bench.sim.add_user(f"load{i}", f"load-key-{i}") for i in range(cfg.load_users)]
    made = bench.stack.provision(
        {
            "users": [
                {"username": f"load{i}", "api_key": token, "session": True}
                for i, token in enumerate(tokens)
            ]
        }
    )
    cookie, sessions = made["cookie"], made["sessions"]

    def panel_user(index: int) -> Callable[[int], bool]:
        http = panel_session(bench.web_url, cookie, sessions[f"load{index}"])
        rng = random.Random(index)

        def step(n: int) -> bool:
            path = f"{GROUP_PATH}/" if n % 2 == 0 else f"{GROUP_PATH}/vms/{rng.choice(names)}/"
            response = http.get(f"{bench.web_url}{path}", timeout=60, allow_redirects=False)
            return response.status_code == 200

        return step

    def api_user(index: int) -> Callable[[int], bool]:
        sim, token, rng = Sim(bench.sim.url), tokens[index], random.Random(index)

        def step(n: int) -> bool:
            if n % 2 == 0:
                sim.get(token, GROUP_PATH, "view=overview")
            else:
                sim.get(
                    token, f"{GROUP_PATH}/virtual_machines/{rng.choice(names)}", "view=overview"
                )
            return True

        return step

    panel = _closed_loop(cfg.load_users, cfg.load_seconds, panel_user)
    api = _closed_loop(cfg.load_users, cfg.sim_load_seconds, api_user)
    rows = [
        {"target": "panel (group + VM pages)", **panel},
        {"target": "simulator (their API calls)", **api},
    ]
    found = {
        "name": f"{cfg.load_users} users for {cfg.load_seconds:g} s (reported, no limit set)",
        "value": f"panel {panel['rps']} req/s p95 {panel['latency_ms']['p95']} ms; "
        f"simulator {api['rps']} req/s; {panel['errors']} errors",
        "met": panel["errors"] == 0,
    }
    return {"rows": rows, "targets": [found]}
