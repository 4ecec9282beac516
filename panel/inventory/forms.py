"""Input parsing for the accounts pages. Forms validate; they never call the API."""

from __future__ import annotations

from typing import Any

from django import forms

from panel.inventory.table import SORT_KEYS, VmQuery
from panel.inventory.validation import GROUP_NAME_HELP, GROUP_NAME_MAX, validate_group_name


class GroupNameForm(forms.Form):
    name = forms.CharField(
        label="Group name",
        max_length=GROUP_NAME_MAX,
        help_text=GROUP_NAME_HELP,
        # strip=False: " web" is not "web"; the user should see the rule, not a silent fix.
        strip=False,
        validators=[validate_group_name],
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "pattern": "[a-z0-9]([a-z0-9\\-]{0,61}[a-z0-9])?",
            }
        ),
    )


POWER_CHOICES = [("", "Any state"), ("running", "Running"), ("off", "Off"), ("deleted", "Deleted")]
SORT_CHOICES = [(key, key) for key in SORT_KEYS]
DIR_CHOICES = [("asc", "Ascending"), ("desc", "Descending")]


class VmQueryForm(forms.Form):
    """The VM table's query string. Unknown or malformed values fall back to the defaults
    (a stale bookmark should still show the table, not an error page)."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    power = forms.ChoiceField(label="Power state", choices=POWER_CHOICES, required=False)
    zone = forms.CharField(label="Zone", required=False, max_length=100)
    profile = forms.CharField(label="Hardware profile", required=False, max_length=100)
    account = forms.CharField(label="Account", required=False, max_length=100)
    group = forms.CharField(label="Group", required=False, max_length=100)
    deleted = forms.BooleanField(label="Show deleted", required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    dir = forms.ChoiceField(choices=DIR_CHOICES, required=False)

    def to_query(self) -> VmQuery:
        self.is_valid()  # fields that fail validation are left out of cleaned_data
        data: dict[str, Any] = getattr(self, "cleaned_data", {})

        def text(name: str) -> str:
            return str(data.get(name) or "")

        power = text("power")
        return VmQuery(
            q=text("q").strip(),
            power=power,
            zone=text("zone"),
            profile=text("profile"),
            account=text("account"),
            group=text("group"),
            # Filtering on "deleted" only makes sense if deleted VMs are fetched.
            show_deleted=bool(data.get("deleted")) or power == "deleted",
            sort=text("sort") or "name",
            descending=data.get("dir") == "desc",
        )


class JumpForm(forms.Form):
    """The header's quick jump: what was typed (a name, hostname or address, or part of one)."""

    q = forms.CharField(label="Jump to a virtual machine", required=False, max_length=100)

    def needle(self) -> str:
        """What to look for; "" when nothing usable was typed (no search is made)."""
        if not self.is_valid():
            return ""
        return str(self.cleaned_data["q"]).strip()
