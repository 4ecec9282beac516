"""Booting into an appliance (BigV's rescue image) and back (docs/bigv-api.md §8.8, §13 C70).

The CLI's ``restart server --rescue`` shuts the VM down, waits until it is off, then sends
``PUT {"autoreboot_on": true, "power_on": true, "appliance": {"name": "rescue",
"permanent": false}}`` (BC:lib/requests/brain/start_vm_with_appliance.go). No public source
shows what the brain reports afterwards, so the simulator's model is its own:

- ``appliance`` chooses what *this* boot starts: it must come with ``power_on: true`` on a
  VM that is off. A one-off choice (``permanent: false``) lasts until the VM next goes off —
  a power cycle, an ACPI shutdown with auto-reboot, a hard restart all boot from the discs
  again; a ``reset`` reboots in the same host process and keeps it. ``permanent: true``
  boots into the appliance every time until a PUT sends ``"appliance": null``.
- The VM reports the appliance it is running as ``appliance`` (``{"name", "permanent"}``),
  ``null`` when it runs from its discs or is off.
- Asking a running VM for the appliance it already runs changes nothing (so a repeated PUT
  is harmless); any other appliance on a running VM, or one without powering on, is refused
  with 400 naming ``appliance``.
"""

from __future__ import annotations

from typing import Any

from panel.simulator.model import VirtualMachine
from panel.simulator.validation import Errors, add

# The only appliance any public source names ("the rescue netboot appliance", BC changelog).
APPLIANCES = ("rescue",)

ON = "cannot be chosen while the virtual machine is powered on"
NOT_BOOTING = "is used only by a request that also powers the virtual machine on"


def parse(raw: Any, errors: Errors) -> dict[str, Any] | None:
    """The ``appliance`` of a PUT body: ``None`` clears it, else ``{"name", "permanent"}``."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        add(errors, "appliance", "is invalid")
        return None
    permanent = raw.get("permanent", False)
    if not isinstance(permanent, bool):
        add(errors, "appliance", "is invalid")
        return None
    if raw["name"] not in APPLIANCES:
        add(errors, "appliance", "is not included in the list")
        return None
    return {"name": raw["name"], "permanent": permanent}


def check(vm: VirtualMachine, body: dict[str, Any], errors: Errors) -> dict[str, Any] | None:
    """Validate ``body["appliance"]`` against the VM's state *before* the request; returns
    the appliance this request boots into (``None``: it boots none, or clears one)."""
    wanted = parse(body["appliance"], errors)
    if wanted is None or "appliance" in errors:
        return None
    if vm.power_on:
        if vm.appliance != wanted:
            add(errors, "appliance", ON)
        return None  # already running it: nothing to do
    if body.get("power_on") is not True:
        add(errors, "appliance", NOT_BOOTING)
        return None
    return wanted


def apply(vm: VirtualMachine, body: dict[str, Any], booting: dict[str, Any] | None) -> None:
    """After validation: remember a permanent choice (or forget it on ``null``)."""
    if "appliance" not in body:
        return
    if body["appliance"] is None:
        vm.boot_appliance = None
    elif booting is not None:
        vm.boot_appliance = dict(booting) if booting["permanent"] else None


def for_boot(vm: VirtualMachine, chosen: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a boot starts: this request's choice, else a permanent one, else the discs."""
    if chosen is not None:
        return dict(chosen)
    return dict(vm.boot_appliance) if vm.boot_appliance else None
