"""The create-VM form: name, place, size, discs (a formset: "add disc" re-renders it with one
more row, through htmx or a plain submit — no inline JavaScript) and the image with a way in.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory

from panel.bigv import DiscSpec, ImageInstall, VirtualMachineSpec
from panel.vm_changes.forms.change import (
    MIB_PER_GIB,
    ImageSecretsMixin,
    _cores_field,
    _memory_field,
    choices,
    gib_to_mib,
)
from panel.vms.forms import dns_label_errors

MAX_DISCS = 8
MIN_DISC_GIB, MAX_DISC_GIB = 1, 2048  # 2 TiB per disc (docs/bigv-api.md §12)


class DiscForm(forms.Form):
    size = forms.IntegerField(
        label="Size (GiB)",
        min_value=MIN_DISC_GIB,
        max_value=MAX_DISC_GIB,
        help_text=f"{MIN_DISC_GIB} to {MAX_DISC_GIB} GiB.",
    )

    def __init__(self, *args: Any, grades: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["storage_grade"] = forms.ChoiceField(label="Grade", choices=choices(grades))
        self.order_fields(["storage_grade", "size"])

    def spec(self) -> DiscSpec:
        size_mib = self.cleaned_data["size"] * MIB_PER_GIB
        return DiscSpec(size=size_mib, storage_grade=self.cleaned_data["storage_grade"])


DiscFormSet = formset_factory(
    DiscForm,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_DISCS,
    validate_max=True,
    can_delete=True,
)


def disc_formset(data: Any = None, *, grades: Iterable[str], add_row: bool = False) -> BaseFormSet:
    """The discs, bound to ``data`` when posted. ``add_row``: the rows as typed (minus those
    ticked "Remove") plus one empty row, unbound so that nothing is flagged before the user
    has typed anything — the "Add a disc" button, with htmx or without JavaScript."""
    grades = list(grades)
    kwargs: dict[str, Any] = {"form_kwargs": {"grades": grades}, "prefix": "discs"}
    if data is None:
        return DiscFormSet(initial=[{"size": 25}], **kwargs)
    if not add_row:
        return DiscFormSet(data, **kwargs)
    posted = DiscFormSet(data, **kwargs)
    rows = [
        {"storage_grade": form["storage_grade"].value(), "size": form["size"].value()}
        for form in posted.forms
        if not form["DELETE"].value()
    ]
    if len(rows) < MAX_DISCS:
        rows.append({"storage_grade": grades[0] if grades else "", "size": ""})
    return DiscFormSet(initial=rows, **kwargs)


def disc_specs(formset: BaseFormSet) -> tuple[DiscSpec, ...]:
    deleted = set(map(id, formset.deleted_forms))
    return tuple(form.spec() for form in formset.forms if id(form) not in deleted)


class CreateVmForm(ImageSecretsMixin):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Lowercase letters, digits and hyphens; 1 to 63 characters.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    cores = _cores_field(required=True)
    memory = _memory_field(required=True)

    def __init__(
        self,
        *args: Any,
        groups: Iterable[str] = (),
        zones: Iterable[str] = (),
        hardware_profiles: Iterable[str] = (),
        distributions: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"] = forms.ChoiceField(label="Group", choices=choices(groups))
        self.fields["zone"] = forms.ChoiceField(
            label="Zone", required=False, choices=[("", "Any zone"), *choices(zones)]
        )
        self.fields["hardware_profile"] = forms.ChoiceField(
            label="Hardware profile",
            required=False,
            choices=[("", "The default"), *choices(hardware_profiles)],
        )
        self.fields["distribution"] = forms.ChoiceField(
            label="Image", choices=[("", "Choose an image"), *choices(distributions)]
        )
        self.fields["memory"].initial = Decimal(1)
        self.fields["cores"].initial = 1
        self.order_fields(
            ["name", "group", "zone", "cores", "memory", "hardware_profile", "distribution"]
        )

    def clean_name(self) -> str:
        value: str = self.cleaned_data["name"].strip()
        error = dns_label_errors(value)
        if error:
            raise ValidationError(error)
        return value

    def clean_memory(self) -> int:
        return gib_to_mib(self.cleaned_data["memory"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.require_a_way_in(cleaned)
        return cleaned

    def spec(self, discs: BaseFormSet) -> VirtualMachineSpec:
        """The vm_create body without secrets (they go to ``secret_params``)."""
        data = self.cleaned_data
        return VirtualMachineSpec(
            name=data["name"],
            cores=data["cores"],
            memory=data["memory"],
            zone_name=data.get("zone") or None,
            hardware_profile=data.get("hardware_profile") or None,
            discs=disc_specs(discs),
            reimage=ImageInstall(distribution=data["distribution"]),
        )
