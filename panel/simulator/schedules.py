"""Backup schedules (docs/bigv-api.md §9.1): what a schedule may say, and when it fires.

A schedule is ``{"start_at", "interval_seconds", "capacity"}``. ``start_at`` comes in the
forms the official CLI sends: ``"2026-11-27 00:00:00 UTC"`` (``add server``: a date, a time
and a zone abbreviation), ``"00:00"`` (``schedule backups``' default: that time today) or
RFC 3339 (``"2017-04-05T14:37:00+02:00"``). Without a zone it is UK time, as the CLI's help
says. It fires at ``start_at + k * interval_seconds``; occurrences before the schedule was
made are not taken (§13, C50).

Kept apart from ``validation`` so that both vm_create's disc specs and the schedules route
use the same rules without an import cycle.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

try:  # Debian and most machines ship the zone database; UTC is the fallback.
    from zoneinfo import ZoneInfo

    UK: dt.tzinfo = ZoneInfo("Europe/London")
except Exception:  # pragma: no cover - a machine without tzdata
    UK = dt.UTC

MIN_INTERVAL = 3600  # hourly: the finest the CLI's words go (§13, C50)
MAX_INTERVAL = 366 * 86400
MAX_CAPACITY = 100
# Zone abbreviations Go's time.Format may write after the time (the CLI's time.Local).
ZONES = {"UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "WET": 0, "WEST": 1}

_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\s*([A-Za-z]{1,5}))?$"
)
_TIME_ONLY = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_start(value: Any, now: float) -> float | None:
    """``start_at`` as a timestamp, or None when it is not one of the accepted forms."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            return parsed.timestamp()
    except ValueError:
        parsed = None
    if m := _TIME_ONLY.match(text):
        today = dt.datetime.fromtimestamp(now, UK).date()
        return _local(today.year, today.month, today.day, *_hms(m.group(1, 2, 3)))
    if m := _DATE_TIME.match(text):
        y, mo, d = (int(x) for x in m.group(1, 2, 3))
        zone = m.group(7)
        if zone is not None and zone.upper() not in ZONES:
            return None
        try:
            if zone is None:
                return _local(y, mo, d, *_hms(m.group(4, 5, 6)))
            tz = dt.timezone(dt.timedelta(hours=ZONES[zone.upper()]))
            return dt.datetime(y, mo, d, *_hms(m.group(4, 5, 6)), tzinfo=tz).timestamp()
        except ValueError:
            return None
    return None


def _hms(parts: tuple[str | None, ...]) -> tuple[int, int, int]:
    h, m, s = (int(p) if p else 0 for p in parts)
    return h, m, s


def _local(y: int, mo: int, d: int, h: int, mi: int, s: int) -> float | None:
    try:
        return dt.datetime(y, mo, d, h, mi, s, tzinfo=UK).timestamp()
    except ValueError:
        return None


def iso(timestamp: float) -> str:
    """How the simulator writes times: RFC 3339 in UTC (the CLI's test answer's form)."""
    moment = dt.datetime.fromtimestamp(timestamp, dt.UTC).replace(microsecond=0)
    return moment.isoformat()


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check(spec: Any, now: float) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """A schedule as stored (with ``next_at``), and its errors by attribute (Rails style).

    A missing ``interval_seconds`` is the CLI's own example of a 400 body, whose value is a
    string, not a list: ``{"interval_seconds": "Missing interval_seconds parameter"}``.
    """
    errors: dict[str, Any] = {}
    if not isinstance(spec, dict):
        return {}, {"backup_schedules": ["is invalid"]}
    start = parse_start(spec.get("start_at"), now)
    if spec.get("start_at") in (None, ""):
        errors["start_at"] = ["can't be blank"]
    elif start is None:
        errors["start_at"] = ["is invalid"]
    interval = _integer(spec.get("interval_seconds"))
    if "interval_seconds" not in spec or spec["interval_seconds"] is None:
        errors["interval_seconds"] = "Missing interval_seconds parameter"
    elif interval is None:
        errors["interval_seconds"] = ["is not a number"]
    elif interval < MIN_INTERVAL:
        errors["interval_seconds"] = [f"must be greater than or equal to {MIN_INTERVAL}"]
    elif interval > MAX_INTERVAL:
        errors["interval_seconds"] = [f"must be less than or equal to {MAX_INTERVAL}"]
    raw_capacity = spec.get("capacity")
    capacity = _integer(raw_capacity) if raw_capacity is not None else 0
    if capacity is None:
        errors["capacity"] = ["is not a number"]
    elif not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [f"must be between 0 and {MAX_CAPACITY}"]
    if errors or start is None or interval is None or capacity is None:
        return {}, errors
    return {
        "start_at": iso(start),
        "interval_seconds": interval,
        # The CLI's `schedule backups` sends capacity 0: keep one (§13, C50).
        "capacity": capacity or 1,
        "next_at": next_occurrence(start, interval, now),
    }, {}


def next_occurrence(start: float, interval: int, after: float) -> float:
    """The first ``start + k * interval`` (k ≥ 0) at or after ``after``."""
    if start >= after:
        return start
    return start + math.ceil((after - start) / interval) * interval


def public(schedule: dict[str, Any]) -> dict[str, Any]:
    """A schedule as the API shows it (``next_at`` is the simulator's own)."""
    return {
        "type": "application/vnd.bigv.backup-schedule",
        "id": schedule.get("id"),
        "start_at": schedule.get("start_at"),
        "interval_seconds": schedule.get("interval_seconds"),
        "capacity": schedule.get("capacity"),
    }
