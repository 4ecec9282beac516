"""Forms of the VM's own actions: power, keys, settings, purge."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from panel.bigv.types import Definitions

from ._common import MAX_SENDKEYS, dns_label_errors

# --- power --------------------------------------------------------------------------------


class PowerForm(forms.Form):
    """Start, stop, reboot, powerdown and reset take no input: the server reads the VM's
    state itself (the audit's "before"), whatever the page showed."""


class SendkeyForm(forms.Form):
    """A key combination built by choosing up to four keys, e.g. ctrl + alt + delete."""

    def __init__(self, *args: Any, definitions: Definitions, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "sendkey_%s")
        super().__init__(*args, **kwargs)
        keys = [(key, key) for key in definitions.sendkeys]
        for index in range(1, MAX_SENDKEYS + 1):
            first = index == 1
            self.fields[f"key{index}"] = forms.ChoiceField(
                label=f"Key {index}",
                required=first,
                choices=[("", "Choose a key" if first else "—"), *keys],
            )

    @property
    def keys_version(self) -> str:
        """Names the key lists (the page caches their unbound markup under it)."""
        keys = "\n".join(str(value) for value, _ in self.fields["key1"].choices)  # type: ignore[attr-defined]
        return hashlib.sha256(keys.encode()).hexdigest()[:16]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [cleaned.get(f"key{i}") for i in range(1, MAX_SENDKEYS + 1)]
        keys = [key for key in chosen if key]
        if len(set(keys)) != len(keys):
            raise ValidationError("Choose each key only once.")
        return cleaned

    def combination(self) -> str:
        """The dash-separated ``data`` of the sendkey signal (docs/bigv-api.md §8.2, §8.3)."""
        keys = (self.cleaned_data.get(f"key{i}") for i in range(1, MAX_SENDKEYS + 1))
        return "-".join(key for key in keys if key)


# --- settings -----------------------------------------------------------------------------


class RenameForm(forms.Form):
    name = forms.CharField(
        label="New name",
        max_length=100,  # longer input gets the friendly 63-character message below
        help_text="Lowercase letters, digits and hyphens; 1 to 63 characters.",
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "rename_%s")
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_name(self) -> str:
        value: str = self.cleaned_data["name"].strip()
        error = dns_label_errors(value)
        if error:
            raise ValidationError(error)
        if value == self.current:
            raise ValidationError("That is already its name.")
        return value


_HTTP_URL = URLValidator(schemes=["http", "https"], message="Enter an http:// or https:// URL.")


class CdromForm(forms.Form):
    """Set the ISO URL, or clear it with the ``clear`` button."""

    url = forms.CharField(
        label="ISO URL",
        required=False,
        max_length=2000,
        help_text="An http:// or https:// address of an ISO image.",
    )
    clear = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "cdrom_%s")
        super().__init__(*args, **kwargs)

    def clean_url(self) -> str:
        value: str = self.cleaned_data["url"].strip()
        if value:
            # A CharField + validator, not URLField: URLField would quietly prefix a scheme.
            _HTTP_URL(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("clear") and "url" in cleaned and not cleaned["url"]:
            self.add_error("url", "Enter the ISO URL, or use Eject to clear it.")
        return cleaned

    def new_url(self) -> str | None:
        return None if self.cleaned_data.get("clear") else self.cleaned_data["url"]


class KeymapForm(forms.Form):
    NONE = "none"

    def __init__(self, *args: Any, definitions: Definitions, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "keymap_%s")
        super().__init__(*args, **kwargs)
        self.fields["keymap"] = forms.ChoiceField(
            label="Keymap",
            choices=[(self.NONE, "None (default)")] + [(k, k) for k in definitions.keymaps],
        )
        self.order_fields(["keymap"])

    def new_keymap(self) -> str | None:
        value: str = self.cleaned_data["keymap"]
        return None if value == self.NONE else value


class FlagForm(forms.Form):
    """Toggles (hardware-profile lock, autoreboot) post the absolute value wanted, so a
    double click or a stale page never flips the setting back."""

    value = forms.NullBooleanField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, attribute: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attribute = attribute

    def clean_value(self) -> bool:
        value = self.cleaned_data.get("value")
        if value is None:
            raise ValidationError("Say whether to turn it on or off.")
        return bool(value)


# --- lifecycle ----------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    """Delete and undelete take no input; the confirmation happened before the POST."""


class PurgeForm(forms.Form):
    confirm_name = forms.CharField(label="Type the VM's name to confirm", max_length=100)

    def __init__(self, *args: Any, vm_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "purge_%s")
        super().__init__(*args, **kwargs)
        self.vm_name = vm_name

    def clean_confirm_name(self) -> str:
        value: str = self.cleaned_data["confirm_name"].strip()
        if value != self.vm_name:
            raise ValidationError(f"That is not the VM's name; type {self.vm_name} exactly.")
        return value
