"""Series 2 — live status: a step change in the simulator → the browser's DOM showing it.

A spec change of a powered-off VM runs ``apply_spec`` then ``verify`` on a Celery worker. Its
BigV calls are held at simulator barriers, so each step change has a precise start: the
moment the bench releases the held call (``t0``, wall clock). Three per operation:

1. the worker's first read (``GET /virtual_machines/<id>``) → the row turns ``running``;
2. ``apply_spec``'s PUT → step 1 done, ``verify`` running;
3. ``verify``'s read → ``succeeded``.

The worker then commits, ``events.publish`` nudges Redis, the SSE view re-renders the
fragment and htmx swaps it. Chromium (Playwright) has the operation page open; an init script's
MutationObserver records ``performance.timeOrigin + performance.now()`` with the displayed
status and step states at every change. Latency = first DOM state that shows the change - t0.
The polling fallback is the same with the event streams blocked (``page.route`` answers 503 to
``…/events``): the fragment then asks the polling URL every 2 s.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable
from typing import Any

from bench.context import Bench
from bench.http import csrf_token, hidden_value, summary

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
GROUP, VM = "live", "live-0001"
POLL_PERIOD_MS = 2000  # the polled fragment's hx-trigger="every 2s"

OBSERVER = """
(() => {
  window.__states = [];
  window.__sse = 0;
  const now = () => performance.timeOrigin + performance.now();
  const read = () => {
    const root = document.querySelector('.op-detail');
    if (!root) return null;
    const bar = root.querySelector('.op-progress');
    const status = bar ? ([...bar.classList].find(c => c.startsWith('op-status-')) || '') : '';
    const rows = [...root.querySelectorAll('tr.op-step-row')].map(r =>
      ([...r.classList].find(c => c.startsWith('op-step-') && c !== 'op-step-row') || '')
        .slice('op-step-'.length));
    return {status: status.slice('op-status-'.length), rows: rows};
  };
  let last = '';
  const note = () => {
    const state = read();
    if (!state) return;
    const key = JSON.stringify(state);
    if (key !== last) { last = key; window.__states.push({t: now(), ...state}); }
  };
  new MutationObserver(note).observe(document, {subtree: true, childList: true,
                                                attributes: true, characterData: true});
  document.addEventListener('htmx:sseOpen', (e) => {
    if (e.target.closest && e.target.closest('.op-detail')) window.__sse += 1;
  });
})();
"""

Predicate = Callable[[dict[str, Any]], bool]
STEPS: list[tuple[str, Predicate]] = [
    ("running", lambda s: s["status"] == "running" and s["rows"][:1] == ["running"]),
    ("step 2", lambda s: s["rows"][:2] == ["done", "running"]),
    ("succeeded", lambda s: s["status"] == "succeeded"),
]


def _start_operation(bench: Bench, cores: int) -> str:
    url = f"{bench.web_url}/operations/vm/demo/{GROUP}/{VM}/spec/"
    form = bench.web.get(url, timeout=30)
    data = {
        "csrfmiddlewaretoken": csrf_token(form.text),
        "cores": str(cores),
        "memory": "",
        "hardware_profile": "",
        "hardware_profile_locked": "",
        "grace_seconds": "60",
    }
    confirm = bench.web.post(url, data={**data, "action": "plan"}, timeout=30)
    digest = hidden_value(confirm.text, "plan_digest")
    data.update(action="start", plan_digest=digest)
    if 'name="sealed"' in confirm.text:
        data["sealed"] = hidden_value(confirm.text, "sealed")
    started = bench.web.post(url, data=data, allow_redirects=False, timeout=30)
    location = started.headers.get("Location", "")
    if started.status_code != 302 or not re.search(r"/operations/[0-9a-f-]{36}/$", location):
        raise RuntimeError(f"operation did not start: HTTP {started.status_code} {location}")
    return location


class Barriers:
    def __init__(self, bench: Bench, vm_id: int) -> None:
        self.sim = bench.sim
        self.vm_id = vm_id
        self.n = 0

    def hold(self, method: str) -> str:
        """Hold the worker's next ``method`` on the VM (reads by id; writes by path)."""
        self.n += 1
        name = f"bench-live-{self.n}"
        path = f"^/virtual_machines/{self.vm_id}$" if method == "GET" else f"/{self.vm_id}$"
        self.sim.control("POST", "/barriers", {"name": name, "method": method, "path": path})
        return name

    def wait(self, name: str) -> None:
        found = self.sim.control("POST", f"/barriers/{name}/wait", {"timeout": 30}, timeout=40)
        if found.get("timeout"):
            raise RuntimeError(f"the worker never reached barrier {name}")

    def release(self, name: str) -> float:
        t0 = time.time() * 1000.0
        self.sim.control("DELETE", f"/barriers/{name}")
        return t0


def _wait_js(page: Any, expression: str, timeout: float = 15) -> None:
    """Poll an expression (``wait_for_function`` evaluates strings, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {expression}")
        page.wait_for_timeout(20)


def _sample(page: Any, barriers: Barriers, name: str, wanted: Predicate, pause: float) -> float:
    # A random phase: with polling, uniform over one polling period, so the change does not
    # always land just after a poll. (Waiting in Playwright also lets it serve the route.)
    page.wait_for_timeout(random.uniform(50, pause))
    t0 = barriers.release(name)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        states = page.evaluate("window.__states")
        hit = next((s for s in states if s["t"] >= t0 - 50 and wanted(s)), None)
        if hit is not None:
            return float(hit["t"] - t0)
        page.wait_for_timeout(20)
    seen = page.evaluate("window.__states")[-3:]
    raise RuntimeError(f"the page never showed the change after releasing {name}; saw {seen}")


def _operation(bench: Bench, page: Any, vm_id: int, cores: int, poll: bool) -> list[float]:
    barriers = Barriers(bench, vm_id)
    pause = POLL_PERIOD_MS + 50 if poll else 250
    first = barriers.hold("GET")
    op_url = _start_operation(bench, cores)
    barriers.wait(first)
    page.goto(f"{bench.web_url}{op_url}")
    if poll:
        page.wait_for_selector('.op-detail .op-live[hx-trigger="every 2s"]', timeout=15000)
    else:
        _wait_js(page, "window.__sse >= 1")
    put = barriers.hold("PUT")
    first_ms = _sample(page, barriers, first, STEPS[0][1], pause)
    barriers.wait(put)
    verify = barriers.hold("GET")  # verify's read (apply_spec's own read has passed)
    put_ms = _sample(page, barriers, put, STEPS[1][1], pause)
    barriers.wait(verify)
    verify_ms = _sample(page, barriers, verify, STEPS[2][1], pause)
    page.wait_for_timeout(50)
    return [first_ms, put_ms, verify_ms]


def run(bench: Bench) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        bench.notes.append(f"live status skipped: {CHROMIUM} is missing (make browsers)")
        return {"rows": [], "targets": [], "skipped": f"{CHROMIUM} is missing"}

    bench.populate(GROUP, 1, power_on_ratio=0.0)
    vm = bench.sim.vm(bench.token, "demo", GROUP, VM)
    vm_id = int(vm["id"])
    bench.stack.scale_workers(1)
    cookies = [
        {"name": c.name, "value": c.value or "", "url": bench.web_url} for c in bench.web.cookies
    ]
    rows: list[dict[str, Any]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for mode in ("event stream", "polling"):
                context = browser.new_context()
                context.add_cookies(cookies)  # type: ignore[arg-type]
                page = context.new_page()
                page.add_init_script(OBSERVER)
                if mode == "polling":
                    # A refused stream (503), as under a WSGI server: the fragments poll.
                    page.route("**/events*", lambda route: route.fulfill(status=503, body="-"))
                samples: list[float] = []
                for _ in range(bench.cfg.live_ops):
                    cores = int(bench.sim.vm(bench.token, "demo", GROUP, VM)["cores"])
                    wanted = 2 if cores == 1 else 1
                    samples += _operation(bench, page, vm_id, wanted, poll=mode == "polling")
                context.close()
                rows.append(
                    {
                        "mode": mode,
                        "latency_ms": summary(samples),
                        "samples_ms": [round(s, 1) for s in samples],
                    }
                )
        finally:
            browser.close()
    sse: dict[str, float] = rows[0]["latency_ms"]
    target = {
        "name": "live status p95 ≤ 300 ms with the event stream",
        "value": f"p95 {sse['p95']} ms over {sse['n']} step changes",
        "met": sse["p95"] <= 300,
    }
    return {"rows": rows, "targets": [target]}
