"""Series 1 — pages: the panel's server time beside the raw API calls the page needs.

For each page: two warm-up reloads (the second one's entries in the simulator's request log
are the API calls the page needs: method, path and query). Then, in turn, the page is
requested through the panel as a navigation (a link or an htmx sort/filter: the VM tables may
answer from the per-user read cache, panel.core.read_cache), as a reload
(``Cache-Control: max-age=0``: every page reads BigV), and the same calls are made directly to
the simulator with the same token (on a kept connection, as the panel's client makes them).
Times are the wall time of the HTTP request from a logged-in ``requests`` session. API calls
per page are counted from the request log around every timed reload; ``cached_calls`` around
the navigations.

Beside them: the floor (what any page costs before its own work, ``measure_floor``) and the
demo VM page with its API call held back a few milliseconds in the simulator
(``measure_far``), where the ratio lands once the call is not a loopback answer.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path
from typing import Any

from bench.config import DEMO_VM
from bench.context import USERNAME, Bench
from bench.goals import speed_goals
from bench.http import summary, timed
from bench.profiling import RELOAD
from bench.stack import PY

_ACCOUNT, _GROUP, _VM = DEMO_VM
VM_PAGE = f"/accounts/{_ACCOUNT}/groups/{_GROUP}/vms/{_VM}/"
SMALL_WORLD = [
    ("home", "/", None),
    ("all VMs", "/vms/", None),
    ("group web", "/accounts/demo/groups/web/", 3),
    ("VM detail", VM_PAGE, None),
    # The page's first answer carries the panel; the sections below it load when they come
    # into view. With every section (the no-JavaScript page), for comparison.
    ("VM detail, every section", f"{VM_PAGE}?all=1", None),
]


# What every page costs before any work of its own, measured beside the VM page's API call:
# a static file (the HTTP server and the application's way in) and the not-found page (the
# session, the person and the page frame; no view, no API call).
NOT_FOUND = "not-found page"
FLOOR = (
    ("static file", "/static/console/console.js"),
    (NOT_FOUND, "/bench-floor/"),
)
FLOOR_API = (f"/accounts/{_ACCOUNT}/groups/{_GROUP}/virtual_machines/{_VM}", "view=overview")
# The same, in parts, on the floor servers (bench/floor_urls.py): (what, server, path).
MAIN = "panel web"  # the stack's own web server, which serves FLOOR
PANEL_EMPTY = "panel middleware, signed in: an empty answer"
PANEL_CALL = "panel middleware, signed in: the VM's API call"
FLOOR_PARTS = (
    ("Django without middleware: an empty answer", "bare", "/bench-floor/empty/"),
    ("Django without middleware: the VM's API call", "bare", "/bench-floor/vm-call/"),
    (PANEL_EMPTY, "panel", "/bench-floor/empty/"),
    (PANEL_CALL, "panel", "/bench-floor/vm-call/"),
)


# The VM page beside its API call with BigV's answer this far away (the simulator holds that
# one call back, for the panel and the raw call alike): what the ratio is once the call costs
# what a call over the internet does, rather than a loopback answer of about a millisecond.
FAR_DELAYS_MS = (5, 20)


def large_world(sizes: tuple[int, ...]) -> list[tuple[str, str, int | None]]:
    pages: list[tuple[str, str, int | None]] = [
        (f"group {n}", f"/accounts/demo/groups/bulk{n}/", n) for n in sizes
    ]
    biggest = max(sizes)
    pages += [
        ("home", "/", None),
        ("all VMs", "/vms/", None),
        ("VM detail", f"/accounts/demo/groups/bulk{biggest}/vms/bulk{biggest}-0001/", None),
        (
            "VM detail, every section",
            f"/accounts/demo/groups/bulk{biggest}/vms/bulk{biggest}-0001/?all=1",
            None,
        ),
    ]
    return pages


def _page_calls(bench: Bench, path: str, reload: bool = True) -> tuple[float, list[dict[str, Any]]]:
    seq = bench.sim.last_seq()
    headers = RELOAD if reload else {}
    ms, response = timed(bench.web.get, f"{bench.web_url}{path}", headers=headers, timeout=120)
    if response.status_code != 200 or "/login/" in response.url:
        raise RuntimeError(f"GET {path}: HTTP {response.status_code} ({response.url})")
    return ms, bench.sim.requests_since(seq)


def _raw(bench: Bench, calls: list[dict[str, Any]]) -> float:
    total = 0.0
    for call in calls:
        ms, _ = timed(bench.sim.get, bench.token, call["path"], call.get("query") or "")
        total += ms
    return total


def measure_page(bench: Bench, world: str, name: str, path: str, repeats: int) -> dict[str, Any]:
    _page_calls(bench, path)  # fills the per-process caches (definitions)
    _, needed = _page_calls(bench, path)
    needed = [c for c in needed if c.get("service") == "brain" and c["method"] == "GET"]
    panel_ms: list[float] = []
    reload_ms: list[float] = []
    raw_ms: list[float] = []
    counts: list[int] = []
    cached_counts: list[int] = []
    for _ in range(repeats):
        ms, calls = _page_calls(bench, path, reload=False)
        panel_ms.append(ms)
        cached_counts.append(len(calls))
        ms, calls = _page_calls(bench, path)
        reload_ms.append(ms)
        counts.append(len(calls))
        raw_ms.append(_raw(bench, needed))
    panel, reloaded, raw = summary(panel_ms), summary(reload_ms), summary(raw_ms)
    return {
        "world": world,
        "page": name,
        "path": path,
        "api_calls": max(counts),
        "cached_calls": max(cached_counts),
        "api": [f"{c['method']} {c['path']}?{c.get('query') or ''}" for c in needed],
        "panel_ms": panel,
        "reload_ms": reloaded,
        "raw_ms": raw,
        "ratio_median": _ratio(panel, raw),
        "reload_ratio_median": _ratio(reloaded, raw),
        "overhead_ms_median": _overhead(panel_ms, raw_ms),
    }


def measure_floor(bench: Bench, repeats: int) -> dict[str, Any]:
    """Each ``FLOOR`` path, each of ``FLOOR_PARTS`` and the VM page's API call, in turn,
    ``repeats`` times; every panel request from the bench user's logged-in session."""
    wanted = [(name, MAIN, path) for name, path in FLOOR] + list(FLOOR_PARTS)
    times: dict[str, list[float]] = {name: [] for name, _, _ in wanted}
    statuses: dict[str, int] = {}
    raw: list[float] = []
    fresh: list[float] = []
    with bench.stack.floor_servers(bench.token) as parts:
        servers = {MAIN: bench.web_url, **parts}
        for _ in range(repeats):
            for name, server, path in wanted:
                ms, response = timed(bench.web.get, f"{servers[server]}{path}", headers=RELOAD)
                times[name].append(ms)
                statuses[name] = response.status_code
            raw.append(timed(bench.sim.get, bench.token, *FLOOR_API)[0])
            fresh.append(timed(bench.sim.get, bench.token, *FLOOR_API, fresh=True)[0])
    api = summary(raw)
    rows = []
    for name, server, path in wanted:
        ms = summary(times[name])
        row = {"what": name, "path": path, "status": statuses[name], "ms": ms}
        rows.append({**row, "server": server, "ratio_to_api": _ratio(ms, api)})
    return {
        "api": f"GET {FLOOR_API[0]}?{FLOOR_API[1]}",
        "api_ms": api,
        # The same call on a new connection each time (as the raw calls were measured until
        # the simulator kept connections open): what a first call after a pause costs.
        "api_fresh_ms": summary(fresh),
        "rows": rows,
        "least_vm_page_ratio": least_vm_page_ratio(rows, api),
    }


def measure_far(bench: Bench, repeats: int) -> list[dict[str, Any]]:
    """For each of ``FAR_DELAYS_MS``: the VM page read afresh and its API call (as in
    ``measure_floor``), in turn, ``repeats`` times, with the simulator delaying that call."""
    path, query = FLOOR_API
    rows = []
    for delay_ms in FAR_DELAYS_MS:
        fault = bench.sim.control(
            "POST",
            "/faults",
            {
                "method": "GET",
                "path": f"^{re.escape(path)}$",
                "action": "delay",
                "seconds": delay_ms / 1000,
            },
        )
        page: list[float] = []
        raw: list[float] = []
        try:
            for _ in range(repeats):
                page.append(_page_calls(bench, VM_PAGE)[0])
                raw.append(timed(bench.sim.get, bench.token, path, query)[0])
        finally:
            bench.sim.control("DELETE", f"/faults/{fault['id']}")
        panel_ms, raw_ms = summary(page), summary(raw)
        rows.append(
            {
                "delay_ms": delay_ms,
                "page": VM_PAGE,
                "reload_ms": panel_ms,
                "raw_ms": raw_ms,
                "reload_ratio_median": _ratio(panel_ms, raw_ms),
                "overhead_ms_median": _overhead(page, raw),
            }
        )
    return rows


def least_vm_page_ratio(rows: list[dict[str, Any]], api: dict[str, float]) -> float | None:
    """The least a page that reads one VM can cost, as a multiple of the VM's API call: the
    call made behind the panel's middleware, plus the page frame (the not-found page less an
    empty answer behind the same middleware)."""
    median = {row["what"]: row["ms"]["median"] for row in rows}
    call, frame, empty = median.get(PANEL_CALL), median.get(NOT_FOUND), median.get(PANEL_EMPTY)
    if call is None or frame is None or empty is None or not api["median"]:
        return None
    return round((call + frame - empty) / api["median"], 2)


def _overhead(page_ms: list[float], raw_ms: list[float]) -> float:
    """The median of what each page took beyond the raw call timed beside it (ms)."""
    return round(statistics.median(p - r for p, r in zip(page_ms, raw_ms, strict=True)), 2)


def _ratio(panel: dict[str, float], raw: dict[str, float]) -> float | None:
    return round(panel["median"] / raw["median"], 2) if raw["median"] else None


def run(bench: Bench) -> dict[str, Any]:
    cfg = bench.cfg
    rows = [
        measure_page(bench, "demo", name, path, cfg.page_repeats) for name, path, _ in SMALL_WORLD
    ]
    for size in cfg.group_sizes:
        bench.populate(f"bulk{size}", size, power_on_ratio=0.7)
    for name, path, vms in large_world(cfg.group_sizes):
        # Pages that carry every VM of the large world (thousands) get fewer repeats.
        heavy = (vms or 0) >= 2000 or name in ("home", "all VMs")
        repeats = cfg.large_repeats if heavy else cfg.page_repeats
        rows.append(measure_page(bench, "large", name, path, repeats))
    found = targets(rows)
    result: dict[str, Any] = {
        "rows": rows,
        "floor": measure_floor(bench, cfg.page_repeats),
        "far": measure_far(bench, cfg.page_repeats),
        "targets": found,
    }
    # Profiled whenever a page target or a page speed goal is missed: the call trees and the
    # breakdown say where that page's time goes.
    missed = not all(t["met"] for t in found) or any(
        goal["met"] is False for goal in speed_goals({"pages": result})
    )
    if (missed and not cfg.quick) or bench.profile:
        result["profile"] = profile(bench, rows)
        parts = result["profile"]["breakdown_ms"]
        for target in found:
            if target["name"].startswith("group 500") and not target["met"]:
                target["reason"] = _group_500_reason(
                    parts.get("large group 500-navigate"), parts.get("large group 500")
                )
    return result


def _group_500_reason(navigate: dict[str, float] | None, reload: dict[str, float] | None) -> str:
    """Where the 500-VM group's time goes, in words, from the in-process breakdowns."""
    if not navigate or not reload:
        return "no breakdown"
    return (
        f"navigating (read cache hit), per request in-process: template render "
        f"{navigate.get('template render')} ms, running-now query "
        f"{navigate.get('running-now query')} ms, session + person "
        f"{navigate.get('session + person')} ms, middleware/view "
        f"{navigate.get('other (middleware, view)')} ms of {navigate.get('total')} ms, the rest "
        f"is the HTTP server and network; reloading: JSON decode + typed parse "
        f"{reload.get('decode + typed parse')} ms, BigV HTTP {reload.get('BigV call (HTTP)')} "
        f"ms, template render {reload.get('template render')} ms of {reload.get('total')} ms"
    )


def profile(bench: Bench, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Where the time goes (bench/profiling.py): pyinstrument call trees saved beside the
    results, and a per-part breakdown of the slowest pages."""
    wanted = ["group 500", "group 50", "VM detail"]
    pages = [
        {"name": f"{r['world']} {r['page']}", "path": r["path"]}
        for r in rows
        if r["page"] in wanted and (r["world"] == "large" or r["page"] == "VM detail")
    ]
    spec = {
        "username": USERNAME,
        "pages": pages,
        "repeats": 5 if bench.cfg.quick else 20,
        "out": str(bench.out / "profiles"),
    }
    out = bench.stack.run([PY, "-m", "bench.profiling"], input_text=json.dumps(spec))
    found = json.loads(out.strip().splitlines()[-1])
    return {
        "files": [str(Path(p).relative_to(bench.out)) for p in found["written"]],
        "breakdown_ms": found["breakdown"],
    }


def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    lists = [r for r in rows if r["page"] in ("home", "all VMs") or r["page"].startswith("group")]
    worst_list = max(lists, key=lambda r: r["api_calls"])
    found.append(
        {
            "name": "one API call per list page",
            "value": f"max {worst_list['api_calls']} ({worst_list['world']} {worst_list['page']})",
            "met": all(r["api_calls"] == 1 for r in lists),
        }
    )
    details = [r for r in rows if r["page"] == "VM detail"]
    found.append(
        {
            "name": "≤ 2 API calls per VM detail page",
            "value": f"max {max(r['api_calls'] for r in details)}",
            "met": all(r["api_calls"] <= 2 for r in details),
        }
    )
    g500 = next((r for r in rows if r["page"] == "group 500"), None)
    if g500 is not None:
        found.append(
            {
                "name": "group 500: panel time ≤ 1.3 x raw API time (median)",
                "value": f"{g500['ratio_median']} x ({g500['panel_ms']['median']} ms vs "
                f"{g500['raw_ms']['median']} ms); on reload {g500['reload_ratio_median']} x",
                "met": g500["ratio_median"] is not None and g500["ratio_median"] <= 1.3,
            }
        )
    return found
