"""The drills' table, as ``make drill`` prints it (Markdown, so it can be pasted as is)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

COLUMNS = (
    ("drill", "drill"),
    ("database", "database"),
    ("operations", "operations"),
    ("succeeded", "succeeded"),
    ("rolled_back", "rolled back"),
    ("vms_right", "VMs right"),
    ("audit_complete", "audit complete"),
    ("duplicate_writes", "duplicate writes"),
    ("stack_up", "stack up after"),
    ("pages_ok", "pages answered"),
    ("restarts", "restarted"),
    ("seconds", "took"),
    ("ok", "ok"),
)


def _cell(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if key == "seconds" and isinstance(value, int | float):
        return f"{value:.0f} s"
    return str(value)


def table(rows: Iterable[Mapping[str, object]]) -> str:
    rows = list(rows)
    lines = [
        "| " + " | ".join(title for _, title in COLUMNS) + " |",
        "| " + " | ".join("---" for _ in COLUMNS) + " |",
    ]
    for row in rows:
        lines.append("| " + " | ".join(_cell(k, row.get(k, "")) for k, _ in COLUMNS) + " |")
    problems = [
        f"- {row['drill']} ({row['database']}): {p}"
        for row in rows
        for p in row.get("problems", [])
    ]  # type: ignore[union-attr]
    if problems:
        lines += ["", "Problems:", *problems]
    return "\n".join(lines)
