"""Backup forms: a schedule in words (daily, weekly, or every N hours), deleting a backup.

The API takes a schedule as a start time and an interval in seconds (docs/bigv-api.md §9.1);
people think in "daily at midnight, keep a week's worth". The start is asked in UTC and sent
in the CLI's own form, ``"2026-12-04 00:00:00 UTC"``, so no zone is guessed on either side.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from panel.bigv import BackupScheduleSpec

from ._common import hidden_text

HOUR, DAY, WEEK = 3600, 86400, 7 * 86400
MAX_HOURS = 366 * 24
MAX_KEEP = 100
FREQUENCIES = [("daily", "Daily"), ("weekly", "Weekly"), ("custom", "Every … hours")]
INTERVALS = {"daily": DAY, "weekly": WEEK}


def next_midnight(now: dt.datetime | None = None) -> dt.datetime:
    """Tonight's midnight (UTC): where the CLI starts its weekly schedule."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return dt.datetime.combine(moment.date() + dt.timedelta(days=1), dt.time(), dt.UTC)


def start_text(moment: dt.datetime) -> str:
    """``start_at`` as the CLI's ``add server`` writes it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def weekly_from_tonight(keep: int = 1) -> BackupScheduleSpec:
    """The CLI's default for a new server: weekly from midnight tonight, keeping one."""
    return BackupScheduleSpec(start_text(next_midnight()), WEEK, keep)


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label="How often", choices=FREQUENCIES, initial="daily")
    every_hours = forms.IntegerField(
        label="Every (hours)",
        required=False,
        min_value=1,
        max_value=MAX_HOURS,
        help_text="Only for “Every … hours”.",
    )
    start_date = forms.DateField(
        label="Starting on (UTC)", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label="at (UTC)",
        initial=dt.time(0, 0),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    keep = forms.IntegerField(
        label="Keep",
        min_value=1,
        max_value=MAX_KEEP,
        initial=7,
        help_text="How many of its backups to keep; the oldest go first.",
    )

    def __init__(self, *args: Any, disc_id: int | str = "new", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"sched{disc_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = next_midnight().date()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        custom = cleaned.get("frequency") == "custom"
        if custom and not cleaned.get("every_hours") and "every_hours" not in self.errors:
            self.add_error("every_hours", "Say every how many hours.")
        return cleaned

    def interval(self) -> int:
        data = self.cleaned_data
        if data["frequency"] == "custom":
            return int(data["every_hours"]) * HOUR
        return INTERVALS[data["frequency"]]

    def spec(self) -> BackupScheduleSpec:
        data = self.cleaned_data
        start = dt.datetime.combine(data["start_date"], data["start_time"], dt.UTC)
        return BackupScheduleSpec(start_text(start), self.interval(), int(data["keep"]))


class BackupDeleteForm(forms.Form):
    """No input: the label only words the question and the message."""

    shown_label = hidden_text()


class BackupNowForm(forms.Form):
    """No input: the disc is in the URL."""

    shown_label = hidden_text()

    def clean_shown_label(self) -> str:
        value: str = self.cleaned_data.get("shown_label", "")
        if len(value) > 255:
            raise ValidationError("Too long.")
        return value
