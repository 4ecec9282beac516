"""The restore form: which backup (in the URL), how to shut the VM down, and an explicit
"yes, replace the disc's data" — a restore overwrites everything on the disc."""

from __future__ import annotations

from typing import Any

from django import forms

from .change import grace_field


class RestoreForm(forms.Form):
    grace_seconds = grace_field()
    understood = forms.BooleanField(
        label="I understand that everything on the disc now is replaced by the backup",
        help_text="BigV backs the disc up first, so what it holds now is kept as a backup.",
        error_messages={"required": "Tick this to go on: the disc's current data is replaced."},
    )

    def plan_kwargs(self) -> dict[str, Any]:
        return {"grace_seconds": self.cleaned_data["grace_seconds"]}
