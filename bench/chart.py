"""``results.png``: one subplot per series (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes


def _pages(ax: Axes, data: dict[str, Any]) -> None:
    rows = data["rows"]
    # Long names wrapped: a dozen bars side by side leave each label about 14 characters.
    labels = [f"{textwrap.fill(r['page'], 14)}\n({r['world']})" for r in rows]
    xs = range(len(rows))
    panel = [r["panel_ms"]["median"] for r in rows]
    reload = [r["reload_ms"]["median"] for r in rows]
    raw = [r["raw_ms"]["median"] for r in rows]
    top = [max(r["panel_ms"]["p95"], r["reload_ms"]["p95"]) for r in rows]
    width = 0.27
    ax.bar(
        [x - width for x in xs], panel, width, label="panel, navigating (median)", color="#3465a4"
    )
    ax.bar(list(xs), reload, width, label="panel, reload (median)", color="#729fcf")
    ax.bar([x + width for x in xs], raw, width, label="raw API (median)", color="#aaaaaa")
    for x, r, y in zip(xs, rows, top, strict=True):
        ax.annotate(
            f"{r['ratio_median']}x / {r['reload_ratio_median']}x\n{r['api_calls']} call",
            (x, y),
            ha="center",
            va="bottom",
            fontsize=7,
        )
    ax.set_xticks(list(xs), labels, fontsize=7)
    ax.set_yscale("log")
    ax.set_ylim(top=max(top) * 4)
    ax.set_ylabel("ms (log)")
    ax.set_title("1. Pages: server time vs raw API time")
    ax.legend(fontsize=7)


def _live(ax: Axes, data: dict[str, Any]) -> None:
    rows = data["rows"]
    samples = [r["samples_ms"] for r in rows]
    ax.boxplot(samples, tick_labels=[r["mode"] for r in rows], whis=(5, 95))
    ax.axhline(300, color="red", linestyle="--", linewidth=1, label="target p95 300 ms (SSE)")
    for i, r in enumerate(rows, start=1):
        ax.annotate(
            f"p95 {r['latency_ms']['p95']:.0f}",
            (i, r["latency_ms"]["p95"]),
            xytext=(8, 0),
            textcoords="offset points",
            fontsize=7,
        )
    ax.set_ylabel("ms")
    ax.set_title("2. Live status: step change → DOM")
    ax.legend(fontsize=7)


def _bulk(ax: Axes, data: dict[str, Any]) -> None:
    rows = data["rows"]
    labels = [
        f"{r['vms']} VMs\n{r['workers']} worker{'s' if r['workers'] > 1 else ''}" for r in rows
    ]
    values = [r["efficiency_pct"] for r in rows]
    bars = ax.bar(range(len(rows)), values, color="#4e9a06")
    ax.bar_label(
        bars,
        [f"{v:.0f}%\n{r['wall_s']:.0f}s" for v, r in zip(values, rows, strict=True)],
        fontsize=7,
    )
    ax.axhline(85, color="red", linestyle="--", linewidth=1, label="target 85 % at 8 workers")
    ax.set_xticks(range(len(rows)), labels, fontsize=7)
    ax.set_ylim(0, 110)
    ax.set_ylabel("% of ideal (single op x ⌈N/c⌉)")
    ax.set_title("3. Bulk spec change")
    ax.legend(fontsize=7)


def _load(ax: Axes, data: dict[str, Any]) -> None:
    rows = data["rows"]
    bars = ax.bar([r["target"] for r in rows], [r["rps"] for r in rows], color="#75507b")
    ax.bar_label(
        bars,
        [f"{r['rps']:.0f} req/s\np95 {r['latency_ms']['p95']:.0f} ms" for r in rows],
        fontsize=7,
    )
    ax.set_ylabel("requests per second")
    ax.set_title(f"4. {rows[0]['users'] if rows else ''} concurrent users")
    ax.tick_params(axis="x", labelsize=7)


def _memory(ax: Axes, data: dict[str, Any]) -> None:
    rows = data["rows"]
    labels = [f"{textwrap.fill(r['process'], 12)}\n{r['phase']}" for r in rows]
    bars = ax.bar(labels, [r["peak_mib"] for r in rows], color="#c4a000")
    ax.bar_label(bars, [f"{r['peak_mib']:.0f}" for r in rows], fontsize=7)
    ax.set_ylabel("peak RSS (MiB)")
    ax.set_title("5. Memory")
    ax.tick_params(axis="x", labelsize=7)


DRAW = {"pages": _pages, "live": _live, "bulk": _bulk, "load": _load, "memory": _memory}


def draw(doc: dict[str, Any], path: Path) -> None:
    present = [name for name in DRAW if doc["series"].get(name, {}).get("rows")]
    if not present:
        return
    fig, axes = plt.subplots(len(present), 1, figsize=(11, 4.2 * len(present)), squeeze=False)
    for ax, name in zip(axes[:, 0], present, strict=True):
        DRAW[name](ax, doc["series"][name])
    fig.suptitle(f"BigV Panel benchmark ({doc['mode']}, {doc['date']}, {doc['git_commit'][:10]})")
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(path, dpi=110)
    plt.close(fig)
