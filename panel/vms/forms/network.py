"""The reverse-DNS form of one address."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ._common import hostname_errors

# --- network ------------------------------------------------------------------------------


class RdnsForm(forms.Form):
    # A generous limit so that the 253-character rule below gives the message.
    rdns = forms.CharField(label="Reverse DNS", max_length=1000)

    def __init__(self, *args: Any, address: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"rdns-{self.slug(address)}_%s")
        super().__init__(*args, **kwargs)
        self.fields["rdns"].label = f"Reverse DNS of {address}"

    @staticmethod
    def slug(address: str) -> str:
        """The address as a DOM id fragment (as the ``dom_id`` template filter does)."""
        return re.sub(r"[^0-9A-Za-z]", "-", address)

    def clean_rdns(self) -> str:
        value: str = self.cleaned_data["rdns"].strip().removesuffix(".")
        error = hostname_errors(value)
        if error:
            raise ValidationError(error)
        return value
