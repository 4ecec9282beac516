"""The audit page's GET form: filters plus the keyset cursor."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms

from panel.audit.actions import Action, Outcome
from panel.audit.filters import AuditFilters

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Form field name → AuditFilters attribute.
_FILTER_FIELDS = {
    "actor": "actor",
    "action": "action",
    "target": "target",
    "outcome": "outcome",
    "date_from": "date_from",
    "date_to": "date_to",
    "q": "q",
    "target_type": "target_type",
    "target_id": "target_id",
    "operation": "operation_id",
    "request": "request_id",
    "steps": "steps",
}


# Rarely typed by hand (links from an entry or a VM page fill them): folded away by default.
_MORE_FILTERS = ("target_type", "target_id", "operation", "request")


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    actor = forms.CharField(label="User", required=False, max_length=150)
    action = forms.ChoiceField(
        required=False,
        choices=[("", "Any action")] + [(a.value, f"{a.label} ({a.value})") for a in Action],
    )
    target = forms.CharField(required=False, max_length=200)
    outcome = forms.ChoiceField(
        required=False, choices=[("", "Any outcome")] + [(o.value, o.label) for o in Outcome]
    )
    date_from = forms.DateField(label="From (UTC)", required=False, widget=_DATE)
    date_to = forms.DateField(label="To (UTC)", required=False, widget=_DATE)
    target_type = forms.CharField(label="Target type", required=False, max_length=32)
    target_id = forms.CharField(label="Target id", required=False, max_length=255)
    operation = forms.CharField(label="Operation id", required=False, max_length=64)
    request = forms.CharField(label="Request id", required=False, max_length=64)
    steps = forms.BooleanField(label="Every step of every operation", required=False)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        if data.get("before") is not None and data.get("after") is not None:
            raise forms.ValidationError("Use either before or after, not both.")
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        values: dict[str, Any] = {}
        for name, attr in _FILTER_FIELDS.items():
            empty = None if name.startswith("date_") else False if name == "steps" else ""
            values[attr] = data.get(name) or empty
        return AuditFilters(**values)

    def query(self, **cursor: int) -> str:
        """The current filters as a query string, plus an optional cursor."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        pairs = [
            (name, data[name].isoformat() if hasattr(data[name], "isoformat") else data[name])
            for name in _FILTER_FIELDS
            if data.get(name)
        ]
        pairs += [(name, str(value)) for name, value in cursor.items()]
        return urlencode(pairs)

    def primary_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in _FILTER_FIELDS if name not in _MORE_FILTERS]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in _MORE_FILTERS]

    def more_filters_used(self) -> bool:
        return any(self.data.get(name) for name in _MORE_FILTERS)
