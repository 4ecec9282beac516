"""The speed goals the panel is held to, read from a run's series: fresh reads first.

A fresh read (a first visit, a browser reload, the page after a change) is what a person
waits for most; the goals put each page's reload beside the raw API calls it needs, the
panel's throughput with many people beside the simulator's own for the same pages, and a
large bulk change beside its ideal. A goal whose series did not run (``--only``, or a quick
run's smaller worlds) is reported as not measured rather than met or missed.
"""

from __future__ import annotations

from typing import Any

GROUP_RELOAD_MAX = 2.0  # group pages read afresh, x the raw API call
VM_PAGE_RELOAD_MAX = 4.0  # the VM page read afresh, x its raw API call
LOAD_RATIO_MIN = 0.15  # panel throughput / simulator throughput, 50 people at once
LOAD_P95_MAX_MS = 600.0
BULK_MIN_PCT = 95.0  # 200 VMs, 8 workers, % of ideal


def _goal(measure: str, value: str, goal: str, met: bool | None) -> dict[str, Any]:
    return {"measure": measure, "value": value, "goal": goal, "met": met}


def _page(rows: list[dict[str, Any]], world: str, page: str) -> dict[str, Any] | None:
    return next((r for r in rows if r["world"] == world and r["page"] == page), None)


def _reload(row: dict[str, Any] | None, label: str, limit: float) -> dict[str, Any]:
    goal = f"≤ {limit:g}x"
    if row is None or row.get("reload_ratio_median") is None:
        return _goal(label, "not measured", goal, None)
    ratio = row["reload_ratio_median"]
    value = f"{ratio}x ({row['reload_ms']['median']} vs {row['raw_ms']['median']} ms)"
    return _goal(label, value, goal, ratio <= limit)


def speed_goals(series: dict[str, Any]) -> list[dict[str, Any]]:
    pages = (series.get("pages") or {}).get("rows", [])
    reloads = (
        ("large", "group 500", "group of 500 VMs read afresh / raw API", GROUP_RELOAD_MAX),
        ("large", "group 2000", "group of 2000 VMs read afresh / raw API", GROUP_RELOAD_MAX),
        ("demo", "VM detail", "VM page read afresh / raw API (demo)", VM_PAGE_RELOAD_MAX),
        ("large", "VM detail", "VM page read afresh / raw API (large)", VM_PAGE_RELOAD_MAX),
    )
    found = [
        _reload(_page(pages, world, page), label, limit) for world, page, label, limit in reloads
    ]
    load = {r["target"].split(" ")[0]: r for r in (series.get("load") or {}).get("rows", [])}
    label = "50 people at once: panel / simulator throughput, panel p95"
    goal = f"≥ {LOAD_RATIO_MIN:g}x, p95 ≤ {LOAD_P95_MAX_MS:g} ms"
    if "panel" in load and "simulator" in load and load["simulator"]["rps"]:
        panel, sim = load["panel"], load["simulator"]
        ratio = round(panel["rps"] / sim["rps"], 3)
        p95 = panel["latency_ms"]["p95"]
        value = f"{ratio}x ({panel['rps']} vs {sim['rps']} req/s), p95 {p95} ms"
        found.append(_goal(label, value, goal, ratio >= LOAD_RATIO_MIN and p95 <= LOAD_P95_MAX_MS))
    else:
        found.append(_goal(label, "not measured", goal, None))
    bulk = (series.get("bulk") or {}).get("rows", [])
    big = next((r for r in bulk if r["vms"] == 200 and r["workers"] == 8), None)
    label = "bulk change, 200 VMs, 8 workers: % of ideal, every VM right"
    goal = f"≥ {BULK_MIN_PCT:g} %"
    if big is None:
        found.append(_goal(label, "not measured", goal, None))
    else:
        right = big["verified"] == big["vms"] and big["succeeded"] == big["vms"]
        value = f"{big['efficiency_pct']} %, {big['verified']}/{big['vms']} VMs right"
        found.append(_goal(label, value, goal, big["efficiency_pct"] >= BULK_MIN_PCT and right))
    return found
