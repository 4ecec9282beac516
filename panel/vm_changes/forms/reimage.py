"""The reimage form: the image, a way into the new system, and two things a reimage must
not happen without — the person typing the VM's name (the main disc is erased, and no undo
brings it back) and a choice about a backup of that disc first (on by default)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .change import ImageSecretsMixin, choices, grace_field


class ReimageForm(ImageSecretsMixin):
    grace_seconds = grace_field()
    backup_first = forms.BooleanField(
        label="Take a backup of the main disc first",
        required=False,
        initial=True,
        help_text="Stored on cold storage before anything is erased; restore it from the "
        "VM's page if the new system is not what you wanted.",
    )

    def __init__(
        self, *args: Any, distributions: Iterable[str] = (), vm_name: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.vm_name = vm_name
        self.fields["distribution"] = forms.ChoiceField(
            label="Image", choices=[("", "Choose an image"), *choices(distributions)]
        )
        self.fields["confirm_name"] = forms.CharField(
            label=f"Type {vm_name} to confirm",
            max_length=255,
            help_text=f"Everything on the main disc of {vm_name} will be erased.",
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )
        self.order_fields(["distribution"])

    def clean_confirm_name(self) -> str:
        typed: str = self.cleaned_data["confirm_name"].strip()
        if typed != self.vm_name:
            raise ValidationError(f"Type the VM's name, {self.vm_name}, exactly.")
        return typed

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.require_a_way_in(cleaned)
        return cleaned

    def plan_kwargs(self) -> dict[str, Any]:
        return {
            "distribution": self.cleaned_data["distribution"],
            "grace_seconds": self.cleaned_data["grace_seconds"],
            "backup_first": bool(self.cleaned_data.get("backup_first")),
        }
