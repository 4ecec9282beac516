"""The bulk change form: several VMs (chosen with checkboxes on the group or all-VMs page),
one change, how many at a time and when to stop."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from panel.vm_changes.forms.change import (
    BATCH_KIND_CHOICES,
    DEFAULT_GRACE,
    MAX_GRACE,
    MIN_GRACE,
    _cores_field,
    _memory_field,
    gib_to_mib,
    parse_vm_keys,
)
from panel.vm_changes.kinds import OperationKind
from panel.vms.refs import VmRef

MAX_BATCH = 200
MAX_CONCURRENCY = 10
GRACEFUL = (OperationKind.GRACEFUL_RESTART, OperationKind.GRACEFUL_SHUTDOWN)


class BatchForm(forms.Form):
    vm = forms.MultipleChoiceField(
        label="Virtual machines",
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "Select at least one VM."},
    )
    kind = forms.ChoiceField(label="Change", choices=BATCH_KIND_CHOICES)
    cores = _cores_field(required=False)
    memory = _memory_field(required=False)
    grace_seconds = forms.IntegerField(
        label="Grace period (seconds)",
        min_value=MIN_GRACE,
        max_value=MAX_GRACE,
        initial=DEFAULT_GRACE,
        help_text="Spec changes and graceful restarts/shutdowns: how long to wait for the "
        "operating system to shut down before powering off hard.",
    )
    concurrency = forms.IntegerField(
        label="At most this many at a time", min_value=1, max_value=MAX_CONCURRENCY, initial=2
    )
    stop_after_failures = forms.IntegerField(
        label="Stop after this many failures",
        min_value=0,
        max_value=MAX_BATCH,
        initial=1,
        help_text="0: never stop early. VMs not started yet are then left alone.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any well-formed key is a choice: which VMs exist, and may be changed, is BigV's say.
        data = self.data.getlist("vm") if hasattr(self.data, "getlist") else []
        vm_field = self.fields["vm"]
        assert isinstance(vm_field, forms.MultipleChoiceField)
        vm_field.choices = [(value, value) for value in data]

    def clean_vm(self) -> list[str]:
        values: list[str] = self.cleaned_data["vm"]
        if len(values) > MAX_BATCH:
            raise ValidationError(f"Select at most {MAX_BATCH} VMs at once.")
        parse_vm_keys(values)
        return list(dict.fromkeys(values))

    def clean_memory(self) -> int | None:
        value = self.cleaned_data.get("memory")
        return None if value is None else gib_to_mib(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        spec_change = cleaned.get("kind") == OperationKind.SPEC_CHANGE
        asked = cleaned.get("cores") or cleaned.get("memory")
        fields_ok = "cores" not in self.errors and "memory" not in self.errors
        if spec_change and not asked and fields_ok:
            self.add_error("cores", "Say what to change: cores, memory or both.")
        return cleaned

    def refs(self) -> list[VmRef]:
        return [
            VmRef(account=a, group=g, vm=v) for a, g, v in parse_vm_keys(self.cleaned_data["vm"])
        ]

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        params: dict[str, Any] = {}
        if kind == OperationKind.SPEC_CHANGE:
            params.update({k: data[k] for k in ("cores", "memory") if data.get(k)})
        if kind == OperationKind.SPEC_CHANGE or kind in GRACEFUL:
            params["grace_seconds"] = data["grace_seconds"]
        return params

    def summary(self) -> str:
        """ "Change spec (cores 4, memory 4 GiB) on 3 VMs, 2 at a time, stop after 1 failure"."""
        data = self.cleaned_data
        label = dict(BATCH_KIND_CHOICES)[data["kind"]]
        params = self.params()
        details = []
        if "cores" in params:
            details.append(f"cores {params['cores']}")
        if "memory" in params:
            details.append(f"memory {params['memory'] / 1024:g} GiB")
        if "grace_seconds" in params:
            details.append(f"grace {params['grace_seconds']} s")
        what = f"{label} ({', '.join(details)})" if details else label
        count = len(data["vm"])
        stop = data["stop_after_failures"]
        stop_text = (
            "never stop early"
            if stop == 0
            else f"stop after {stop} failure{'s' if stop != 1 else ''}"
        )
        vms = f"{count} VM{'s' if count != 1 else ''}"
        return f"{what} on {vms}, {data['concurrency']} at a time, {stop_text}"
