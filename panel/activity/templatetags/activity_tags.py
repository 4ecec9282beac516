"""Words and small pieces for the operations templates: durations, step rows, badges.

``running_now`` and ``vm_operation`` read the panel's own operation rows (never BigV), so
they are safe to use in the header and on other apps' pages: no API call, one or two queries.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.dateparse import parse_datetime

from panel.activity import selectors as activity_selectors
from panel.activity.selectors import TeamState
from panel.audit.models import AuditEntry
from panel.audit.selectors import entries_for_operation
from panel.operations import selectors
from panel.operations.models import Operation
from panel.vm_changes.describe import vm_state_text

register = template.Library()

_BADGES = {
    "pending": "badge-pending",
    "running": "badge-running",
    "compensating": "badge-pending",
    "succeeded": "badge-on",
    "failed": "badge-deleted",
    "rolled_back": "badge-pending",
    "needs_attention": "badge-deleted",
    "cancelled": "badge-off",
}
# Symbol and words: the symbol is decoration (aria-hidden), the words are what is read out.
_STEP_ICONS = {
    "pending": ("○", "Not started"),
    "running": ("◔", "In progress"),
    "done": ("✓", "Done"),
    "skipped": ("↷", "Skipped (already so)"),
    "failed": ("✗", "Failed"),
    "compensated": ("↶", "Undone"),
}


@register.filter
def duration(value: dt.timedelta | float | int | None) -> str:
    """45 s, 1 min 12 s, 2 h 5 min — the way an operator says it."""
    if value is None or value == "":
        return "—"
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    total = max(0, int(seconds))
    if seconds < 1:
        return "under 1 s"
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@register.filter
def op_badge(status: str) -> str:
    return _BADGES.get(str(status), "badge-off")


@dataclass(frozen=True, slots=True)
class StepRow:
    number: int
    name: str
    label: str
    status: str  # pending, running, done, skipped, failed, compensated
    icon: str
    status_text: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    detail: str
    current: bool
    undo: bool  # a compensation step (putting the VM back)
    events: tuple[str, ...] = ()  # "worker lost at …; resumed by … at …" during this step
    raw: str = ""  # BigV's own answer when the step failed on it (the "details" toggle)
    left: int | None = None  # a wait's seconds left to its deadline (the page counts down)

    @property
    def took(self) -> dt.timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


def _when(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) and value else None


def _log_by_index(op: Operation) -> dict[int, dict[str, Any]]:
    """The latest log entry of each plan step. Entries carry their plan index when the
    engine writes one; otherwise they are matched to the plan in order by step name (a
    retried step writes again: its latest entry wins)."""
    found: dict[int, dict[str, Any]] = {}
    plan = list(op.plan or [])
    cursor = 0
    for entry in op.step_log or []:
        if not isinstance(entry, dict):
            continue
        index = entry.get("index")
        if not isinstance(index, int) or isinstance(index, bool):
            index = next(
                (i for i in range(cursor, len(plan)) if plan[i].get("name") == entry.get("step")),
                None,
            )
            if index is None:
                # A repeat of an earlier step (a retry after the cursor moved on).
                index = next(
                    (i for i in range(len(plan)) if plan[i].get("name") == entry.get("step")),
                    None,
                )
        if index is None:
            continue
        found[index] = entry
        cursor = max(cursor, index)
    return found


@register.simple_tag
def step_rows(op: Operation) -> list[StepRow]:
    """The plan with each step's status and timings, in order (undo steps last)."""
    logged = _log_by_index(op)
    undo_from = op.compensation_start
    plan = list(op.plan or [])
    events: dict[int, list[str]] = {}
    for event in op.events or []:
        at = event.get("step_index", 0) if isinstance(event, dict) else 0
        index = min(at if isinstance(at, int) else 0, max(0, len(plan) - 1))
        events.setdefault(index, []).append(str(event.get("text", "")))
    rows: list[StepRow] = []
    for index, step in enumerate(plan):
        entry = logged.get(index, {})
        status = str(entry.get("status") or "pending")
        if status not in _STEP_ICONS:
            status = "pending"
        icon, text = _STEP_ICONS[status]
        rows.append(
            StepRow(
                number=index + 1,
                name=str(step.get("name", "")),
                label=str(entry.get("label") or step.get("label", "")),
                status=status,
                icon=icon,
                status_text=text,
                started_at=_when(entry.get("started_at")),
                finished_at=_when(entry.get("finished_at")),
                detail=str(entry.get("detail") or ""),
                current=not op.is_terminal and index == op.step_index,
                undo=undo_from is not None and index >= undo_from,
                events=tuple(events.get(index, ())),
                raw=str(entry.get("raw") or ""),
                left=_left(entry) if status == "running" else None,
            )
        )
    return rows


def _left(entry: dict[str, Any]) -> int | None:
    """The seconds a waiting step has left to its deadline (``Wait.until``), if it counts."""
    until = entry.get("until")
    if not isinstance(until, int | float) or isinstance(until, bool):
        return None
    return max(0, round(until - time.time()))


@register.simple_tag(takes_context=True)
def team_state(context: template.Context) -> TeamState:
    """For _components/running_now.html when it is included (base.html's header): what
    runs now that the person may see."""
    request = context.get("request")
    return activity_selectors.team_state(getattr(request, "user", None))


@register.simple_tag
def vm_operation(vm: Any) -> Operation | None:
    """The VM's active operation, or its latest one if it ended a short while ago."""
    return activity_selectors.vm_operation(getattr(vm, "id", None))


@register.simple_tag
def live_query(view: str = "", compact: bool = False) -> str:
    """The query string that makes the stream and the polling URL render the same body."""
    parts = []
    if view:
        parts.append(f"view={view}")
    if compact:
        parts.append("compact=1")
    return "?" + "&".join(parts) if parts else ""


@register.filter
def unattended(op: Operation) -> int | None:
    """Seconds an active operation has gone without a worker, past a lease (else None)."""
    return selectors.unattended_seconds(op)


@register.filter
def seconds(value: dt.timedelta | None) -> int:
    return max(0, int(value.total_seconds())) if isinstance(value, dt.timedelta) else 0


@register.filter
def hidden_values(field: Any) -> list[str]:
    """A bound field's submitted value(s) as hidden-input values: what the confirmation
    page carries over (a ticked checkbox is "on", an unticked one is left out)."""
    value = field.value()
    if value is True:
        return ["on"]
    if value is False:
        return []
    if value is None:
        return [""]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


@register.filter
def original_text(op: Operation) -> str:
    """The VM's state before the operation, in words ("" for a create: nothing was there)."""
    original = op.original or {}
    return vm_state_text(original) if original.get("power_on") is not None else ""


@register.simple_tag
def op_audit_entries(op: Operation) -> list[AuditEntry]:
    """The operation's audit entries so far, in order (re-read with every live update)."""
    return list(entries_for_operation(op.pk))
