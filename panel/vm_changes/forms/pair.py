"""Forms of the changes that involve a second VM (swap addresses, move a disc) and of
deleting a group with everything in it. Checked here, before any API call.

The other VM is chosen among the account's VMs the person may change — taken from their
kept BigV scope by the view, so showing and checking the form costs no API call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from panel.access.scope import VmPlace
from panel.vms.refs import VmRef

from .change import grace_field


def _partner_field(places: Iterable[VmPlace], label: str) -> forms.ChoiceField:
    choices = [(f"{p.group}/{p.name}", f"{p.name} (group {p.group})") for p in places]
    return forms.ChoiceField(label=label, choices=[("", "Choose a VM"), *choices])


class PartnerMixin(forms.Form):
    """The other VM, as ``group/vm`` in the same account."""

    def __init__(
        self,
        *args: Any,
        account: str,
        current: VmRef,
        places: Iterable[VmPlace] = (),
        label: str = "The other VM",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.current = current
        mine = [p for p in places if not (p.group == current.group and p.name == current.vm)]
        self.fields["partner"] = _partner_field(mine, label)
        self.order_fields(["partner"])

    def partner(self) -> VmRef:
        group, _, vm = self.cleaned_data["partner"].partition("/")
        return VmRef(account=self.account, group=group, vm=vm)


class SwapForm(PartnerMixin):
    """Swap the primary addresses with another VM (BC ``--swap-ips-with``), and the
    additional ones too if asked (``--swap-extra-ips``)."""

    move_additional = forms.BooleanField(
        label="Swap the additional addresses too",
        required=False,
        help_text="Without it, each VM keeps its additional addresses, routed via its new "
        "primary address.",
    )
    grace_seconds = grace_field()

    def plan_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "partner": self.partner(),
            "move_additional": bool(data["move_additional"]),
            "grace_seconds": data["grace_seconds"],
        }


class DiscMoveForm(PartnerMixin):
    """Move one disc to another VM (BC ``update disc --new-server``)."""

    grace_seconds = grace_field()

    def plan_kwargs(self) -> dict[str, Any]:
        return {"partner": self.partner(), "grace_seconds": self.cleaned_data["grace_seconds"]}


class GroupTeardownForm(forms.Form):
    """Typed confirmation: the group's name, exactly (nothing of it comes back)."""

    confirm_name = forms.CharField(label="Type the group's name to confirm", max_length=255)

    def __init__(self, *args: Any, group: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group

    def clean_confirm_name(self) -> str:
        value: str = self.cleaned_data["confirm_name"].strip()
        if value != self.group:
            raise ValidationError(f"Type {self.group} exactly to confirm.")
        return value
