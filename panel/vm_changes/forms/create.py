"""The create-VM form: name, place, size, discs (a formset: "add disc" re-renders it with one
more row, through htmx or a plain submit — no inline JavaScript) and the image with a way in.

It offers what the official CLI's ``add server`` does (docs/bigv-api.md §8.1): a backup
schedule per disc (weekly on the first disc by default, as the CLI; a visible "no backups"),
booting from an ISO instead of an image, creating it powered off, locking the hardware
profile, disc labels, and the addresses to use.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory

from panel.bigv import BackupScheduleSpec, DiscSpec, ImageInstall, VirtualMachineSpec
from panel.vm_changes.forms.change import (
    MIB_PER_GIB,
    ImageSecretsMixin,
    _cores_field,
    _memory_field,
    choices,
    gib_to_mib,
)
from panel.vms.forms import dns_label_errors
from panel.vms.forms._common import DEVICE_NAME, DISC_LABEL
from panel.vms.forms.backups import DAY, WEEK, next_midnight, start_text

MAX_DISCS = 8
MIN_DISC_GIB, MAX_DISC_GIB = 1, 2048  # 2 TiB per disc (docs/bigv-api.md §12)
# The CLI's --backup words; "never" sends no schedule (the CLI: "the brain will reject -1").
BACKUPS = [("weekly", "Weekly"), ("daily", "Daily"), ("never", "No backups")]
INTERVALS = {"weekly": WEEK, "daily": DAY}


class DiscForm(forms.Form):
    size = forms.IntegerField(
        label="Size (GiB)",
        min_value=MIN_DISC_GIB,
        max_value=MAX_DISC_GIB,
        help_text=f"{MIN_DISC_GIB} to {MAX_DISC_GIB} GiB.",
    )

    label = forms.CharField(
        label="Label",
        required=False,
        max_length=63,
        help_text="Optional; empty: disc-N.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    backups = forms.ChoiceField(
        label="Backups",
        choices=BACKUPS,
        required=False,  # not sent (an older page): none
        initial="never",
        help_text="Kept: the latest one, from midnight tonight (UTC).",
    )

    def __init__(self, *args: Any, grades: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["storage_grade"] = forms.ChoiceField(label="Grade", choices=choices(grades))
        self.order_fields(["storage_grade", "size", "label", "backups"])

    def clean_label(self) -> str | None:
        value: str = self.cleaned_data["label"].strip()
        if not value:
            return None
        if DEVICE_NAME.match(value):
            raise ValidationError("This looks like a device name (vda, sdb…); choose another.")
        if not DISC_LABEL.match(value):
            raise ValidationError("Use letters, digits, dots, hyphens and underscores.")
        return value

    def spec(self) -> DiscSpec:
        data = self.cleaned_data
        schedules: tuple[BackupScheduleSpec, ...] = ()
        if data.get("backups") in INTERVALS:
            # The CLI's schedule: from midnight tonight, keeping one (capacity 1).
            start = start_text(next_midnight())
            schedules = (BackupScheduleSpec(start, INTERVALS[data["backups"]], 1),)
        return DiscSpec(
            size=data["size"] * MIB_PER_GIB,
            storage_grade=data["storage_grade"],
            label=data.get("label"),
            backup_schedules=schedules,
        )


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
        # The CLI's default: a weekly backup of the first disc (docs/bigv-api.md §8.1).
        return DiscFormSet(initial=[{"size": 25, "backups": "weekly"}], **kwargs)
    if not add_row:
        return DiscFormSet(data, **kwargs)
    posted = DiscFormSet(data, **kwargs)
    kept = ("storage_grade", "size", "label", "backups")
    rows = [
        {name: form[name].value() for name in kept}
        for form in posted.forms
        if not form["DELETE"].value()
    ]
    if len(rows) < MAX_DISCS:
        rows.append({"storage_grade": grades[0] if grades else "", "size": "", "backups": "never"})
    return DiscFormSet(initial=rows, **kwargs)


def disc_specs(formset: BaseFormSet) -> tuple[DiscSpec, ...]:
    deleted = set(map(id, formset.deleted_forms))
    return tuple(form.spec() for form in formset.forms if id(form) not in deleted)


BOOTS = [
    ("image", "A system BigV installs"),
    ("iso", "A CD-ROM (ISO) to boot and install from yourself"),
]


class CreateVmForm(ImageSecretsMixin):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Lowercase letters, digits and hyphens; 1 to 63 characters.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    cores = _cores_field(required=True)
    memory = _memory_field(required=True)
    hardware_profile_locked = forms.BooleanField(
        label="Lock the hardware profile",
        required=False,
        help_text="BigV then never upgrades the VM's virtual hardware by itself.",
    )
    boot = forms.ChoiceField(
        label="Start from", choices=BOOTS, initial="image", required=False, widget=forms.RadioSelect
    )
    cdrom_url = forms.URLField(
        label="ISO URL (CD-ROM)",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="A public http(s) URL of an ISO, attached as a CD; for booting a CD-ROM.",
    )
    powered_off = forms.BooleanField(
        label="Create it powered off",
        required=False,
        help_text="Not started, not even to install the image; start it when you are ready.",
    )
    ipv4 = forms.GenericIPAddressField(
        label="IPv4 address",
        protocol="IPv4",
        required=False,
        help_text="Optional: a specific address (private VLANs); empty: BigV chooses.",
    )
    ipv6 = forms.GenericIPAddressField(
        label="IPv6 address", protocol="IPv6", required=False, help_text="Optional, likewise."
    )

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
            label="Image",
            required=False,
            choices=[("", "Choose an image"), *choices(distributions)],
        )
        self.fields["memory"].initial = Decimal(1)
        self.fields["cores"].initial = 1
        self.order_fields(
            ["name", "group", "zone", "cores", "memory", "hardware_profile", "boot", "distribution"]
        )

    def clean_name(self) -> str:
        value: str = self.cleaned_data["name"].strip()
        error = dns_label_errors(value)
        if error:
            raise ValidationError(error)
        return value

    def clean_memory(self) -> int:
        return gib_to_mib(self.cleaned_data["memory"])

    def clean_boot(self) -> str:
        return self.cleaned_data.get("boot") or "image"  # not asked: an image, as before

    def clean_cdrom_url(self) -> str:
        value: str = self.cleaned_data.get("cdrom_url") or ""
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValidationError("Use an http:// or https:// URL.")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("boot") == "iso":
            if not cleaned.get("cdrom_url") and "cdrom_url" not in self.errors:
                self.add_error("cdrom_url", "Give the URL of the ISO to boot from.")
        elif cleaned.get("boot") == "image":
            if not cleaned.get("distribution") and "distribution" not in self.errors:
                self.add_error("distribution", "Choose an image (or boot from a CD-ROM).")
            self.require_a_way_in(cleaned)
        return cleaned

    def secrets(self) -> dict[str, str]:
        # Booting an ISO installs nothing: no password or key is sent anywhere.
        return super().secrets() if self.cleaned_data.get("boot") == "image" else {}

    def spec(self, discs: BaseFormSet) -> VirtualMachineSpec:
        """The vm_create body without secrets (they go to ``secret_params``)."""
        data = self.cleaned_data
        image = data["boot"] == "image"
        ips = {family: data.get(family) or "" for family in ("ipv4", "ipv6")}
        return VirtualMachineSpec(
            name=data["name"],
            cores=data["cores"],
            memory=data["memory"],
            zone_name=data.get("zone") or None,
            hardware_profile=data.get("hardware_profile") or None,
            hardware_profile_locked=True if data.get("hardware_profile_locked") else None,
            # The CLI leaves auto-reboot off for --stopped: BigV then does not start it.
            autoreboot_on=not data.get("powered_off"),
            cdrom_url=data.get("cdrom_url") or None,
            discs=disc_specs(discs),
            reimage=ImageInstall(distribution=data["distribution"]) if image else None,
            ips=ips if any(ips.values()) else None,
        )
