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


MAX_ADDITIONAL = 4  # per VM ([DOCS] NICs); BigV counts the ones it already holds


class IpAddForm(forms.Form):
    """Additional addresses (BC's ``add ips --ips N [--ipv6] --reason``)."""

    FAMILIES = [("ipv4", "IPv4"), ("ipv6", "IPv6")]

    count = forms.IntegerField(
        label="How many",
        min_value=1,
        max_value=MAX_ADDITIONAL,
        initial=1,
        help_text=f"1 to {MAX_ADDITIONAL}; a VM has at most {MAX_ADDITIONAL} additional addresses.",
    )
    family = forms.ChoiceField(
        label="Kind",
        choices=FAMILIES,
        initial="ipv4",
        help_text="BigV gives additional addresses as IPv4 today; it says so if it refuses IPv6.",
    )
    reason = forms.CharField(
        label="What they are for",
        max_length=255,
        help_text="BigV asks why they are needed (e.g. one address per TLS site).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "ip-add_%s")
        super().__init__(*args, **kwargs)

    def clean_reason(self) -> str:
        value: str = self.cleaned_data["reason"].strip()
        if not value:
            raise ValidationError("Say what the addresses are for.")
        return value


class IpDeleteForm(forms.Form):
    """Typed confirmation: the address, exactly (it goes back to BigV's pool)."""

    confirm_address = forms.CharField(label="Type the address to confirm", max_length=64)

    def __init__(self, *args: Any, address: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"ip-delete-{RdnsForm.slug(address)}_%s")
        super().__init__(*args, **kwargs)
        self.address = address

    def clean_confirm_address(self) -> str:
        value: str = self.cleaned_data["confirm_address"].strip()
        if value != self.address:
            raise ValidationError(f"Type {self.address} exactly to confirm.")
        return value
