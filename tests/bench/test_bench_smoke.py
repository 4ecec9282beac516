"""`make bench` still runs: a quick pages-only run in a subprocess, with its own stack.

The benchmark itself never runs in `make test` (its numbers mean nothing on a busy machine);
this only checks that the machinery starts, measures, reports and stops. The call counts are
deterministic, so their targets are checked too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

# Starts a simulator, uvicorn and migrations of its own: kept out of `make test-fast`.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def _quick_run(out: Path, series: str, *more: str) -> tuple[str, dict[str, Any]]:
    """``python -m bench --quick --only <series>``: what it printed, and its results."""
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", series, "--out", str(out), *more],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    assert results["errors"] == {}
    return done.stdout, results


def _every_vm_ends_right(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = results["series"]["bulk"]["rows"]
    assert rows and all(row["verified"] == row["vms"] == row["succeeded"] for row in rows)
    return rows


def test_quick_bench_runs_and_saves_the_page_series(tmp_path: Path) -> None:
    printed, results = _quick_run(tmp_path, "pages")
    assert "1. Pages" in printed
    assert results["mode"] == "quick"
    assert results["database"] == "sqlite" and "database sqlite" in printed
    assert results["git_commit"] is not None
    rows = results["series"]["pages"]["rows"]
    pages = {(row["world"], row["page"]) for row in rows}
    assert {("demo", "home"), ("demo", "VM detail"), ("large", "group 500")} <= pages
    for row in rows:
        assert row["panel_ms"]["n"] >= 3
        assert row["panel_ms"]["median"] > 0 and row["raw_ms"]["median"] > 0
        assert row["api_calls"] >= 1
    # What a page costs before its own work, beside the VM page's API call: a static file
    # served, the not-found page answered as such (a logged-in frame, no API call), and the
    # floor servers' empty answer and VM call, with no middleware and behind the panel's
    # (signed in: answered, not sent to the login page).
    floor_result = results["series"]["pages"]["floor"]
    floor = {row["what"]: row for row in floor_result["rows"]}
    assert floor["static file"]["status"] == 200
    assert floor["not-found page"]["status"] == 404
    parts = [row for row in floor.values() if row["server"] != "panel web"]
    assert {(row["server"], row["path"]) for row in parts} == {
        (server, f"/bench-floor/{view}/")
        for server in ("bare", "panel")
        for view in ("empty", "vm-call")
    }
    assert all(row["status"] == 200 for row in parts), parts
    assert all(row["ms"]["median"] > 0 and row["ratio_to_api"] > 0 for row in floor.values())
    assert floor_result["least_vm_page_ratio"] > 1
    assert "Before a page's own work" in printed
    # The VM page and its call with BigV's answer held back: both slower by at least the
    # delay.
    far = results["series"]["pages"]["far"]
    assert [row["delay_ms"] for row in far] == [5, 20]
    for row in far:
        assert row["raw_ms"]["min"] >= row["delay_ms"]
        assert row["reload_ms"]["min"] >= row["delay_ms"]
        assert row["reload_ratio_median"] > 1
    assert "with BigV's answer held back" in printed
    targets = {t["name"]: t for t in results["targets"]}
    assert targets["one API call per list page"]["met"], targets
    assert targets["≤ 2 API calls per VM detail page"]["met"], targets
    assert (tmp_path / "results.png").stat().st_size > 0


def test_quick_bench_runs_a_bulk_batch_through_the_review_and_every_vm_ends_right(
    tmp_path: Path,
) -> None:
    """The bulk series drives the panel's own batch form (review, then Start): a change to
    that form must not break `make bench` unseen."""
    _, results = _quick_run(tmp_path, "bulk")
    rows = _every_vm_ends_right(results)
    # Each batch is judged against single operations measured right before and after it,
    # and against the series' first one as well.
    for row in rows:
        assert len(row["singles_s"]) == 2 * results["config"]["single_op_runs"]
        waves = -(-row["vms"] // row["workers"])
        assert row["ideal_s"] == round(row["single_s"] * waves, 2)
        assert row["efficiency_pct"] > 0 and row["efficiency_at_start_pct"] > 0
        # What an operation cost in CPU, by kind of process, and how busy the cores were.
        assert row["cpu_ms_per_op"]["workers"] > 0 and row["cpu_ms_per_op"]["simulator"] > 0
        assert 0 < row["cpu_busy_pct"] <= 100


# The machine's PostgreSQL (as .ci/run starts it): the production database.
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/"


def _bench_databases() -> set[str] | None:
    """The benchmark's databases on that server, or None when it cannot be reached."""
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES_SERVER}postgres", connect_timeout=3) as db:
            rows = db.execute("SELECT datname FROM pg_database WHERE datname LIKE 'panel_bench_%'")
            return {name for (name,) in rows.fetchall()}
    except psycopg.OperationalError:
        return None


def test_quick_bulk_runs_on_a_postgresql_database_of_its_own_and_drops_it(
    tmp_path: Path,
) -> None:
    """``--postgres``: the same series on the production database, in a database made for
    the run and dropped after it."""
    before = _bench_databases()
    if before is None:
        pytest.skip(f"no PostgreSQL answers at {POSTGRES_SERVER} (.ci/run starts it)")
    printed, results = _quick_run(tmp_path, "bulk", "--postgres", POSTGRES_SERVER)
    assert results["database"] == "postgresql" and "database postgresql" in printed
    _every_vm_ends_right(results)
    assert _bench_databases() == before
