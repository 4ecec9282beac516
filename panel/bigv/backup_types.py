"""Typed backups and backup schedules (docs/bigv-api.md §6.14, §9.1), beside ``types.py``
(which re-exports them: a disc carries its schedules).

A backup is a disc plus ``parent_disc_id`` and ``manual``; it is *in progress* until it
reaches the cold grade ``iceberg``, as the official CLI judges it. ``created_at`` is read
when BigV sends it (the simulator does; §13, C49).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Self

import msgspec

from ._json import Reader

COLD_GRADE = "iceberg"
HOUR, DAY, WEEK = 3600, 86400, 7 * 86400


def interval_words(seconds: int) -> str:
    """The CLI's words for an interval: "weekly", "every 2 days", "hourly"…"""
    for size, one, many in (
        (WEEK, "weekly", "weeks"),
        (DAY, "daily", "days"),
        (HOUR, "hourly", "hours"),
    ):
        if seconds > 0 and seconds % size == 0:
            count = seconds // size
            return one if count == 1 else f"every {count} {many}"
    return f"every {seconds} seconds"


def parse_time(value: str | None) -> dt.datetime | None:
    """An RFC 3339 time, or None when absent or unreadable (a display value only)."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class BackupSchedule(msgspec.Struct, frozen=True, gc=False):
    id: int
    interval_seconds: int
    start_at: str | None = None
    capacity: int | None = None  # how many backups it keeps

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "backup_schedule")
        # The CLI's test answer says start_date (docs/bigv-api.md §13, C23): either is read.
        return cls(
            id=r.integer("id"),
            interval_seconds=r.integer("interval_seconds"),
            start_at=r.opt_text("start_at") or r.opt_text("start_date"),
            capacity=r.opt_integer("capacity"),
        )

    @property
    def words(self) -> str:
        return interval_words(self.interval_seconds)

    @property
    def starts(self) -> dt.datetime | None:
        return parse_time(self.start_at)


@dataclass(frozen=True, slots=True)
class Backup:
    id: int
    label: str
    size: int  # MiB
    storage_grade: str
    parent_disc_id: int | None = None
    manual: bool = False
    created_at: str | None = None
    storage_pool: str | None = None
    virtual_machine_id: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "backup")
        return cls(
            id=r.integer("id"),
            label=r.text_or("label", ""),
            size=r.integer("size"),
            storage_grade=r.text_or("storage_grade", ""),
            parent_disc_id=r.opt_integer("parent_disc_id"),
            manual=r.flag("manual"),
            created_at=r.opt_text("created_at"),
            storage_pool=r.opt_text("storage_pool"),
            virtual_machine_id=r.opt_integer("virtual_machine_id"),
        )

    @property
    def in_progress(self) -> bool:
        """Still being taken: not yet on cold storage ([BC] Backup.OnColdStorage)."""
        return self.storage_grade != COLD_GRADE

    @property
    def taken_at(self) -> dt.datetime | None:
        return parse_time(self.created_at)
