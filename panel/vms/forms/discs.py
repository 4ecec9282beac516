"""Disc forms: sizes in GiB (the API speaks MiB), grow-only, labels that are not devices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from panel.bigv.types import Definitions

from ._common import (
    DEVICE_NAME,
    DISC_LABEL,
    MAX_DISC_GIB,
    MIB_PER_GIB,
    hidden_text,
)

# --- discs --------------------------------------------------------------------------------


def _size_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=MAX_DISC_GIB,
        help_text=f"In GiB, 1 to {MAX_DISC_GIB}.",
    )


class DiscCreateForm(forms.Form):
    size_gib = _size_field("Size (GiB)")
    label = forms.CharField(
        label="Label",
        required=False,
        max_length=63,
        help_text="Optional, e.g. data (not a device name such as vdb); empty: the next disc-N.",
    )

    def __init__(self, *args: Any, definitions: Definitions, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "disc_new_%s")
        super().__init__(*args, **kwargs)
        descriptions = definitions.storage_grade_descriptions
        grades = [
            (grade, f"{descriptions[grade]} ({grade})" if grade in descriptions else grade)
            for grade in definitions.storage_grades
        ]
        self.fields["storage_grade"] = forms.ChoiceField(
            label="Storage grade",
            choices=grades,
            initial="sata" if "sata" in definitions.storage_grades else None,
        )
        self.order_fields(["size_gib", "storage_grade", "label"])

    def clean_label(self) -> str | None:
        value: str = self.cleaned_data["label"].strip()
        if not value:
            return None
        if DEVICE_NAME.match(value):
            raise ValidationError("This looks like a device name (vda, sdb…); choose another.")
        if not DISC_LABEL.match(value):
            raise ValidationError("Use letters, digits, dots, hyphens and underscores.")
        return value

    def size_mib(self) -> int:
        return int(self.cleaned_data["size_gib"]) * MIB_PER_GIB


class DiscResizeForm(forms.Form):
    size_gib = _size_field("New size (GiB)")
    # The size the page showed: grow-only is checked against it before any API call, for a
    # quick answer; the service checks again against the disc as BigV has it.
    current_size = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    shown_label = hidden_text()  # only to redraw the row's form after an error

    def __init__(self, *args: Any, disc_id: int | str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"disc{disc_id}_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        size, current = cleaned.get("size_gib"), cleaned.get("current_size")
        if size is not None and current is not None and size * MIB_PER_GIB <= current:
            self.add_error(
                "size_gib",
                f"Discs can only grow: enter more than {current / MIB_PER_GIB:g} GiB.",
            )
        return cleaned

    def size_mib(self) -> int:
        return int(self.cleaned_data["size_gib"]) * MIB_PER_GIB


class DiscDeleteForm(forms.Form):
    """No input: the label only words the question and the message (the audit's "before" is
    the disc as BigV has it)."""

    shown_label = hidden_text()
