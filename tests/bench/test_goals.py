"""The report's speed goals, read from a run's series (no stack needed)."""

from __future__ import annotations

from bench.goals import speed_goals


def _page(world: str, page: str, reload: float, raw: float) -> dict:
    return {
        "world": world,
        "page": page,
        "reload_ms": {"median": reload},
        "raw_ms": {"median": raw},
        "reload_ratio_median": round(reload / raw, 2),
    }


def test_each_goal_is_met_missed_or_not_measured():
    series = {
        "pages": {
            "rows": [
                _page("large", "group 500", 30.0, 16.0),  # 1.88x: met
                _page("demo", "VM detail", 20.0, 2.5),  # 8x: missed
            ]
        },
        "load": {
            "rows": [
                {"target": "panel (group + VM pages)", "rps": 120.0, "latency_ms": {"p95": 550}},
                {"target": "simulator (their API calls)", "rps": 800.0, "latency_ms": {"p95": 9}},
            ]
        },
    }
    found = {g["measure"]: g for g in speed_goals(series)}
    assert found["group of 500 VMs read afresh / raw API"]["met"] is True
    assert found["VM page read afresh / raw API (demo)"]["met"] is False
    assert found["group of 2000 VMs read afresh / raw API"]["met"] is None  # not in this run
    load = found["50 people at once: panel / simulator throughput, panel p95"]
    assert load["met"] is True and load["value"].startswith("0.15x")
    bulk = found["bulk change, 200 VMs, 8 workers: % of ideal, every VM right"]
    assert bulk["met"] is None and bulk["value"] == "not measured"
