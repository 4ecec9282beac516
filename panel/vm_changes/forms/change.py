"""Forms of the changes to one existing VM. Everything is checked here, before any API call.

Choices that come from BigV (hardware profiles, images, a VM's sibling groups) are passed in
by the view; the forms never fetch anything themselves. Each form says what
it asks for with ``plan_kwargs()`` (the keyword arguments of its ``plan_*`` service) and,
for reimage/create, ``secrets()`` (what goes to ``operation_start(secret_params=…)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from panel.core.ssh_keys import clean_ssh_keys
from panel.vm_changes.kinds import BATCH_KINDS, OperationKind

MIB_PER_GIB = 1024
MAX_CORES = 16
MIN_MEMORY_GIB = Decimal("0.5")
MAX_MEMORY_GIB = Decimal("128")
MIN_GRACE, MAX_GRACE, DEFAULT_GRACE = 10, 600, 60
MIN_ROOT_PASSWORD = 8
MAX_KEYS_TEXT = 20_000
MAX_SCRIPT = 64_000
UNCHANGED = ""  # the "keep as it is" choice of a select


def _cores_field(*, required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label="Cores",
        required=required,
        min_value=1,
        max_value=MAX_CORES,
        help_text=f"1 to {MAX_CORES}.",
    )


def _memory_field(*, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label="Memory (GiB)",
        required=required,
        min_value=MIN_MEMORY_GIB,
        max_value=MAX_MEMORY_GIB,
        decimal_places=3,
        max_digits=7,
        help_text="0.5 to 128 GiB, in steps of 1 MiB (0.5 = 512 MiB).",
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )


def gib_to_mib(value: Decimal) -> int:
    mib = value * MIB_PER_GIB
    if mib != mib.to_integral_value():
        raise ValidationError("Use a whole number of MiB (for example 1.5 GiB, not 1.0001).")
    return int(mib)


def grace_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="Grace period (seconds)",
        min_value=MIN_GRACE,
        max_value=MAX_GRACE,
        initial=DEFAULT_GRACE,
        help_text=(
            f"How long to wait for the operating system to shut down after the ACPI "
            f"signal ({MIN_GRACE} to {MAX_GRACE} s), before powering off hard."
        ),
    )


def choices(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class GraceForm(forms.Form):
    """Graceful restart / shutdown."""

    grace_seconds = grace_field()

    def plan_kwargs(self) -> dict[str, Any]:
        return {"grace_seconds": self.cleaned_data["grace_seconds"]}


class SpecForm(forms.Form):
    """Change spec: only what differs from the VM's live state is changed (the plan says)."""

    LOCK_CHOICES = [(UNCHANGED, "Keep as it is"), ("lock", "Lock"), ("unlock", "Unlock")]

    cores = _cores_field(required=False)
    memory = _memory_field(required=False)
    grace_seconds = grace_field()

    def __init__(self, *args: Any, hardware_profiles: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hardware_profile"] = forms.ChoiceField(
            label="Hardware profile",
            required=False,
            choices=[(UNCHANGED, "Keep as it is"), *choices(hardware_profiles)],
        )
        self.fields["hardware_profile_locked"] = forms.ChoiceField(
            label="Hardware profile lock", required=False, choices=self.LOCK_CHOICES
        )
        self.order_fields(["cores", "memory", "hardware_profile", "hardware_profile_locked"])

    def clean_memory(self) -> int | None:
        value = self.cleaned_data.get("memory")
        return None if value is None else gib_to_mib(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wanted = ("cores", "memory", "hardware_profile", "hardware_profile_locked")
        if not self.errors and all(cleaned.get(name) in (None, UNCHANGED) for name in wanted):
            raise ValidationError("Say what to change: cores, memory or the hardware profile.")
        return cleaned

    def plan_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        lock = data.get("hardware_profile_locked")
        return {
            "cores": data.get("cores"),
            "memory": data.get("memory"),
            "hardware_profile": data.get("hardware_profile") or None,
            "hardware_profile_locked": None if not lock else lock == "lock",
            "grace_seconds": data["grace_seconds"],
        }


class MoveForm(forms.Form):
    grace_seconds = grace_field()

    def __init__(
        self,
        *args: Any,
        groups: Iterable[str] = (),
        current: str = "",
        elsewhere: Iterable[tuple[str, str]] = (),
        **kwargs: Any,
    ):
        """``groups``: the account's own (by name); ``elsewhere``: (account, group) in the
        other accounts the person administers — offered as ``account/group``."""
        super().__init__(*args, **kwargs)
        others = [name for name in groups if name != current]
        away = [(f"{a}/{g}", f"{g} (account {a})") for a, g in elsewhere]
        self.fields["target_group"] = forms.ChoiceField(
            label="Move to group", choices=[("", "Choose a group"), *choices(others), *away]
        )
        self.order_fields(["target_group"])

    def plan_kwargs(self) -> dict[str, Any]:
        account, _, group = self.cleaned_data["target_group"].rpartition("/")
        kwargs = {"target_group": group, "grace_seconds": self.cleaned_data["grace_seconds"]}
        return {**kwargs, "target_account": account} if account else kwargs


class ImageSecretsMixin(forms.Form):
    """Root password / SSH keys / first-boot script: at least one way in (reimage, create)."""

    root_password = forms.CharField(
        label="Root password",
        required=False,
        strip=False,
        min_length=MIN_ROOT_PASSWORD,
        max_length=256,
        help_text=f"At least {MIN_ROOT_PASSWORD} characters. Never shown again.",
        # Never sent back to the browser, not even after an error in another field.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    ssh_public_key = forms.CharField(
        label="SSH public keys",
        required=False,
        max_length=MAX_KEYS_TEXT,
        help_text="One OpenSSH public key per line (ssh-ed25519 AAAA… you@laptop).",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    firstboot_script = forms.CharField(
        label="First-boot script",
        required=False,
        max_length=MAX_SCRIPT,
        strip=False,
        help_text="Optional: run once as root on the first boot.",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )

    def clean_ssh_public_key(self) -> str:
        return clean_ssh_keys(self.cleaned_data.get("ssh_public_key", ""))

    def require_a_way_in(self, cleaned: dict[str, Any]) -> None:
        if "root_password" in self.errors or "ssh_public_key" in self.errors:
            return
        if not cleaned.get("root_password") and not cleaned.get("ssh_public_key"):
            raise ValidationError("Give a root password or at least one SSH public key.")

    def secrets(self) -> dict[str, str]:
        data = self.cleaned_data
        values = {
            "root_password": data.get("root_password") or "",
            "ssh_public_key": data.get("ssh_public_key") or "",
            "firstboot_script": data.get("firstboot_script") or "",
        }
        return {key: value for key, value in values.items() if value}


# --- bulk changes --------------------------------------------------------------------------

BATCH_KIND_CHOICES = [(kind.value, kind.label) for kind in OperationKind if kind in BATCH_KINDS]


def parse_vm_keys(values: Iterable[str]) -> list[tuple[str, str, str]]:
    """``account/group/vm`` keys of the bulk selection; malformed ones raise."""
    refs: list[tuple[str, str, str]] = []
    for value in values:
        parts = value.split("/")
        if len(parts) != 3 or not all(parts) or any(len(p) > 255 for p in parts):
            raise ValidationError(f"Not a VM: {value[:80]!r}.")
        refs.append((parts[0], parts[1], parts[2]))
    return list(dict.fromkeys(refs))
