"""What the VM forms share: hidden-field helpers and name rules."""

from __future__ import annotations

import re

from django import forms

from panel.core.names import is_bigv_name

MIB_PER_GIB = 1024
MAX_DISC_GIB = 2048  # 2 TiB per disc (docs/bigv-api.md §12)
MAX_SENDKEYS = 4

HOST_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
# vda, sdb, hda, xvdc, vdb1 … — the docs forbid labels that look like Unix device names.
DEVICE_NAME = re.compile(r"^(?:[hsv]d|xvd)[a-z]{1,2}\d*$", re.IGNORECASE)
DISC_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


def hidden_flag() -> forms.NullBooleanField:
    return forms.NullBooleanField(required=False, widget=forms.HiddenInput)


def hidden_text() -> forms.CharField:
    return forms.CharField(required=False, max_length=2048, widget=forms.HiddenInput)


def dns_label_errors(value: str) -> str | None:
    if not value:
        return "Enter a name."
    if len(value) > 63:
        return "Use at most 63 characters."
    if value != value.lower():
        return "Use lowercase letters only."
    if not is_bigv_name(value):
        return "Use letters, digits and hyphens, not starting or ending with a hyphen."
    return None


def hostname_errors(value: str) -> str | None:
    if len(value) > 253:
        return "Use at most 253 characters."
    labels = value.split(".")
    if len(labels) < 2:
        return "Enter a full host name such as www.example.com."
    if not all(HOST_LABEL.match(label) for label in labels):
        return "Each part needs 1 to 63 letters, digits or hyphens, not starting with a hyphen."
    if labels[-1].isdigit():
        return "The last part cannot be a number."
    return None
