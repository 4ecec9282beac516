"""The filters of the operations list (checked here; a junk filter is dropped, not an error)."""

from __future__ import annotations

from django import forms

from panel.operations.selectors import ACTIVE, FINISHED
from panel.operations.status import OperationStatus

STATUS_CHOICES = [
    ("", "Any status"),
    (ACTIVE, "Active (waiting, running, rolling back)"),
    (FINISHED, "Finished"),
    *OperationStatus.choices,
]


class OperationFilterForm(forms.Form):
    user = forms.CharField(label="Started by", required=False, max_length=150)
    vm = forms.CharField(label="VM name", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_CHOICES)
