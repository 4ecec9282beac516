"""The results: ``results.json`` (machine, date, commit, numbers, targets), a plain-text table
and ``results.png`` (one chart per series, matplotlib's Agg backend)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import socket
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.config import SERIES, Config
from bench.goals import speed_goals
from bench.stack import BASE_DIR


def _git(*args: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 (read-only git queries)
            ["git", "--no-optional-locks", *args],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return {
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def document(
    cfg: Config,
    results: dict[str, Any],
    errors: dict[str, str],
    notes: list[str],
    took: float,
    *,
    database: str = "sqlite",
) -> dict[str, Any]:
    targets = [
        {"series": name, **target, "status": "met" if target["met"] else "missed"}
        for name in SERIES
        for target in (results.get(name) or {}).get("targets", [])
    ]
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine(),
        "mode": "quick" if cfg.quick else "full",
        "database": database,  # the panel's: sqlite (the embedded default) or postgresql
        "config": asdict(cfg),
        "duration_s": round(took, 1),
        "series": results,
        "errors": errors,
        "targets": targets,
        # The speed goals, fresh reads first (bench.goals); the report opens with them.
        "goals": speed_goals(results),
        "notes": notes,
    }


def save(doc: dict[str, Any], out: Path) -> None:
    (out / "results.json").write_text(json.dumps(doc, indent=2) + "\n")
    try:
        from bench.chart import draw

        draw(doc, out / "results.png")
    except ImportError as error:  # matplotlib is in the dev extra; say so rather than fail
        doc["notes"].append(f"no chart: {error}")
        (out / "results.json").write_text(json.dumps(doc, indent=2) + "\n")


# --- the table -----------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def _grid(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [headers, *[[_fmt(c) for c in row] for row in rows]]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _pages(data: dict[str, Any]) -> str:
    headers = ["world", "page", "calls", "panel med", "panel p95", "reload med", "reload p95",
               "API med", "API p95", "ratio", "reload ratio"]  # fmt: skip
    rows = [
        [r["world"], r["page"], r["api_calls"], r["panel_ms"]["median"], r["panel_ms"]["p95"],
         r["reload_ms"]["median"], r["reload_ms"]["p95"], r["raw_ms"]["median"],
         r["raw_ms"]["p95"], r["ratio_median"], r["reload_ratio_median"]]
        for r in data["rows"]
    ]  # fmt: skip
    text = (
        "1. Pages (ms; panel = navigating, e.g. sorting a table, which may reuse the read cache;"
        " reload = Cache-Control: max-age=0, always reads BigV; ratio = median / API median)\n"
        + _grid(headers, rows)
    )
    floor = data.get("floor")
    if floor:
        api = floor["api_ms"]["median"]
        shown = ", ".join(
            f"{r['what']} {r['ms']['median']} ms ({r['ratio_to_api']}x)" for r in floor["rows"]
        )
        fresh = floor.get("api_fresh_ms", {}).get("median")
        on_new = f"; {fresh} ms on a new connection" if fresh else ""
        text += (
            f"\n\nBefore a page's own work (median, beside the VM page's API call, {api} ms"
            f"{on_new}): {shown}"
        )
        least = floor.get("least_vm_page_ratio")
        if least:
            text += (
                f"; a page that reads one VM starts at {least}x its API call before any work "
                "of its own (the call behind the panel's middleware, plus the page frame: the "
                "not-found page less an empty answer)"
            )
    far = data.get("far")
    if far:
        shown = "; ".join(
            f"{r['delay_ms']} ms away: {r['reload_ms']['median']} against "
            f"{r['raw_ms']['median']} ms ({r['reload_ratio_median']}x, "
            f"{r['overhead_ms_median']} ms more)"
            for r in far
        )
        text += f"\n\nThe VM page read afresh with BigV's answer held back (median): {shown}"
    profile = data.get("profile")
    if profile:
        text += "\n\nWhere a page's time goes (median ms per request, in-process, no network):"
        for page, parts in profile["breakdown_ms"].items():
            shown = ", ".join(f"{k} {v}" for k, v in parts.items() if k != "BigV call (total)")
            text += f"\n  {page}: {shown}"
        text += "\n  call trees: " + ", ".join(profile["files"])
    return text


def _live(data: dict[str, Any]) -> str:
    headers = ["transport", "samples", "median ms", "p95 ms", "max ms"]
    rows = [
        [r["mode"], r["latency_ms"]["n"], r["latency_ms"]["median"], r["latency_ms"]["p95"],
         r["latency_ms"]["max"]]
        for r in data["rows"]
    ]  # fmt: skip
    return "2. Live status (step change in the simulator → DOM)\n" + _grid(headers, rows)


def _bulk(data: dict[str, Any]) -> str:
    headers = ["VMs", "workers", "wall s", "single s", "ideal s", "% of ideal", "% of 1st",
               "op mean s", "slots busy %", "1st start s", "CPU ms/op workers", "cores busy %",
               "ok", "state ok"]  # fmt: skip
    rows = [
        [r["vms"], r["workers"], r["wall_s"], r.get("single_s", "-"), r["ideal_s"],
         r["efficiency_pct"], r.get("efficiency_at_start_pct", "-"), r["op_mean_s"],
         r["slot_use_pct"], r["first_start_s"], (r.get("cpu_ms_per_op") or {}).get("workers", "-"),
         r.get("cpu_busy_pct", "-"), f"{r['succeeded']}/{r['vms']}",
         f"{r['verified']}/{r['vms']}"]
        for r in data["rows"]
    ]  # fmt: skip
    head = (
        f"3. Bulk spec change (ideal = the single operation measured around each batch x "
        f"waves; % of 1st = against the series' first single operation, "
        f"{data.get('single_op_s')} s)\n"
    )
    return head + _grid(headers, rows)


def _load(data: dict[str, Any]) -> str:
    headers = ["target", "users", "seconds", "requests", "req/s", "median ms", "p95 ms", "errors"]
    rows = [
        [r["target"], r["users"], r["seconds"], r["requests"], r["rps"], r["latency_ms"]["median"],
         r["latency_ms"]["p95"], r["errors"]]
        for r in data["rows"]
    ]  # fmt: skip
    return "4. Concurrent users\n" + _grid(headers, rows)


def _memory(data: dict[str, Any]) -> str:
    headers = ["process", "phase", "peak RSS MiB", "first sample MiB"]
    rows = [[r["process"], r["phase"], r["peak_mib"], r["start_mib"]] for r in data["rows"]]
    return "5. Memory\n" + _grid(headers, rows)


def _goals(goals: list[dict[str, Any]]) -> str:
    rows = [
        [g["measure"], g["value"], g["goal"], {True: "met", False: "MISSED", None: "-"}[g["met"]]]
        for g in goals
    ]
    return "Speed goals (fresh reads first)\n" + _grid(["measure", "now", "goal", ""], rows)


SECTIONS = {"pages": _pages, "live": _live, "bulk": _bulk, "load": _load, "memory": _memory}


def table(doc: dict[str, Any]) -> str:
    parts = [
        f"BigV Panel benchmark — {doc['mode']} run, {doc['date']}, commit "
        f"{doc['git_commit'][:10]}{' (dirty)' if doc['git_dirty'] else ''}, "
        # The CPU model: hosts of one kind differ (one measured half again as slow as another).
        f"{doc['machine']['cpus']} CPUs ({doc['machine'].get('cpu_model') or 'model unknown'}), "
        f"load {doc['machine']['load_average']}, "
        f"database {doc.get('database', 'sqlite')}"
    ]
    if doc.get("goals"):
        parts.append(_goals(doc["goals"]))
    for name in SERIES:
        if name in doc["series"]:
            parts.append(SECTIONS[name](doc["series"][name]))
    if doc["targets"]:
        rows = [
            [t["series"], t["name"], t["value"], "met" if t["met"] else "MISSED"]
            for t in doc["targets"]
        ]
        parts.append("Targets\n" + _grid(["series", "target", "measured", ""], rows))
        parts.extend(
            f"why {t['name']} was missed: {t['reason']}" for t in doc["targets"] if t.get("reason")
        )
    for name, error in doc["errors"].items():
        parts.append(f"ERROR in {name}: {error}")
    parts.extend(f"note: {note}" for note in doc["notes"])
    return "\n\n".join(parts) + "\n"
