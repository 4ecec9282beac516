"""Input of the access pages and the API keys section, validated before any API call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from panel.access.levels import Level
from panel.grants.selectors import KeyGrant

# BigV usernames are letters and numbers ([DOCS] users); dots, dashes and the like are let
# through, since nothing says older accounts lack them — the URL segment is escaped anyway.
USERNAME = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$"


class GrantForm(forms.Form):
    username = forms.RegexField(
        label="BigV username",
        regex=USERNAME,
        max_length=64,
        error_messages={"invalid": "A BigV username: letters and digits (and . _ @ + -)."},
        widget=forms.TextInput(attrs={"list": "bigv-users", "autocomplete": "off"}),
        help_text="The BigV user who gets the privilege (not a panel login).",
    )
    level = forms.ChoiceField(label="Level", widget=forms.RadioSelect)
    yubikey_required = forms.BooleanField(
        label="Require a YubiKey (or a one-time code) when they log in to BigV to use it",
        required=False,
    )

    def __init__(self, *args: Any, levels: Sequence[Level], abilities: dict[Level, str], **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(lv.label, f"{lv.label} — can {abilities[lv]}") for lv in levels]
        if len(levels) == 1:
            field.initial = levels[0].label

    @property
    def chosen_level(self) -> Level:
        return Level.of(self.cleaned_data["level"])


class YubikeyForm(forms.Form):
    required = forms.TypedChoiceField(
        choices=[("true", "required"), ("false", "not required")],
        coerce=lambda value: value == "true",
        widget=forms.HiddenInput,
    )


class ButtonsForm(forms.Form):
    """A form of buttons only (revoke, delete): nothing to validate but the CSRF token."""


class ApiKeyCreateForm(forms.Form):
    label = forms.CharField(
        label="Label",
        max_length=100,
        help_text="To tell your keys apart, e.g. “deploy from CI”.",
    )
    expires = forms.DateField(
        label="Expires on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a key that never expires. It stops working at 00:00 UTC.",
    )
    privileges = forms.MultipleChoiceField(
        label="What the key may do",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Your own privileges, given to the key. A key with none can do nothing.",
    )

    def __init__(self, *args: Any, grants: Sequence[KeyGrant] = (), **kw: Any):
        super().__init__(*args, **kw)
        self.grants = {grant.value: grant for grant in grants}
        field = self.fields["privileges"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(grant.value, grant.label) for grant in grants]

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if not label:
            raise forms.ValidationError("Give the key a label.")
        return label

    def clean_expires(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires")
        if day is None:
            return None
        if day <= timezone.now().date():
            raise forms.ValidationError("Choose a day after today.")
        return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)

    @property
    def chosen_grants(self) -> list[KeyGrant]:
        return [self.grants[value] for value in self.cleaned_data.get("privileges", [])]
