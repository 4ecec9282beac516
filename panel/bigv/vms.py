"""Virtual machines (docs/bigv-api.md §7.4 routes, §8 power and change rules)."""

from __future__ import annotations

from typing import Any, Literal

from ._base import ResourceBase, seg, view_params, vm_path
from ._json import as_object, list_of
from .specs import ImageInstall, VirtualMachineSpec
from .types import VirtualMachine

Signal = Literal["powerdown", "reset", "sendkey"]

#: Keys ``vm_update`` may send (§6.3 settable attributes, plus ``deleted`` for undelete).
VM_UPDATE_KEYS = frozenset(
    {
        "name",
        "cores",
        "memory",
        "power_on",
        "autoreboot_on",
        "cdrom_url",
        "hardware_profile",
        "hardware_profile_locked",
        "keymap",
        "group_id",
        "deleted",
    }
)

# Power bodies exactly as BC sends them (docs/bigv-api.md §8.2).
_START = {"autoreboot_on": True, "power_on": True}
_STOP = {"autoreboot_on": False, "power_on": False}
_RESTART = {"autoreboot_on": True, "power_on": False}  # the brain powers it back on


def _created_vm(data: Any) -> VirtualMachine:
    """vm_create answers 202 with ``{"virtual_machine": {...}, "discs": [...], ...}``
    (docs/bigv-api.md §13, C8: a shape both BC and FOG accept); read the inner VM, taking
    top-level discs when it has none, else fall back to a flat VM body."""
    body = as_object(data, "created virtual machine")
    inner = body.get("virtual_machine")
    if isinstance(inner, dict):
        vm = dict(inner)
        if "discs" not in vm and isinstance(body.get("discs"), list):
            vm["discs"] = body["discs"]
        return VirtualMachine.from_json(vm)
    return VirtualMachine.from_json(body)


class VirtualMachinesMixin(ResourceBase):
    def vms(
        self, account: str | int, group: str | int, *, include_deleted: bool = False
    ) -> list[VirtualMachine]:
        path = f"/accounts/{seg(account)}/groups/{seg(group)}/virtual_machines"
        params = view_params(overview=False, include_deleted=include_deleted)
        parse = list_of(VirtualMachine.from_json, "virtual_machines")
        return self._transport.call("GET", path, parse, params=params)

    def vm(
        self,
        account: str | int,
        group: str | int,
        vm: str | int,
        *,
        overview: bool = True,
        include_deleted: bool = False,
    ) -> VirtualMachine:
        params = view_params(overview=overview, include_deleted=include_deleted)
        path = vm_path(account, group, vm)
        return self._transport.call("GET", path, VirtualMachine.from_json, params=params)

    def vm_by_id(self, vm_id: int, *, include_deleted: bool = False) -> VirtualMachine:
        params = view_params(overview=True, include_deleted=include_deleted)
        path = f"/virtual_machines/{seg(vm_id)}"
        return self._transport.call("GET", path, VirtualMachine.from_json, params=params)

    def vm_create(
        self, account: str | int, group: str | int, spec: VirtualMachineSpec
    ) -> VirtualMachine:
        """``POST …/vm_create``: 202, provisioning continues in the background (§8.1, §11);
        poll ``vm()`` for ``power_on``. Never retried (POST)."""
        path = f"/accounts/{seg(account)}/groups/{seg(group)}/vm_create"
        return self._transport.call("POST", path, _created_vm, body=spec.to_json())

    def vm_update(
        self, account: str | int, group: str | int, vm: str | int, **changes: Any
    ) -> VirtualMachine:
        """Partial PUT: only the given keys are sent (PUT behaves like PATCH, §4.1).

        Unknown keys raise ``ValueError`` before any request: the brain silently discards
        unknown attributes, which would turn a typo into a silent no-op."""
        unknown = sorted(set(changes) - VM_UPDATE_KEYS)
        if unknown:
            raise ValueError(f"vm_update: unknown attribute(s): {', '.join(unknown)}")
        if not changes:
            raise ValueError("vm_update: no changes given")
        return self._vm_put(vm_path(account, group, vm), changes)

    def vm_start(self, account: str | int, group: str | int, vm: str | int) -> VirtualMachine:
        return self._vm_put(vm_path(account, group, vm), _START)

    def vm_stop(self, account: str | int, group: str | int, vm: str | int) -> VirtualMachine:
        """Hard stop ("pull the plug"); a clean shutdown is ``vm_signal("powerdown")``."""
        return self._vm_put(vm_path(account, group, vm), _STOP)

    def vm_restart(self, account: str | int, group: str | int, vm: str | int) -> VirtualMachine:
        return self._vm_put(vm_path(account, group, vm), _RESTART)

    def vm_start_appliance(
        self, account: str | int, group: str | int, vm: str | int, *, appliance: str = "rescue"
    ) -> VirtualMachine:
        """Power a VM that is off on into ``appliance`` — BigV's rescue image — for this boot
        only; the next power cycle boots its own discs again (BC's ``restart server
        --rescue`` after its shutdown, §8.8). Repeating it on a VM already running that
        appliance changes nothing (§13, C70), so the PUT may be retried like the others."""
        body = {**_START, "appliance": {"name": appliance, "permanent": False}}
        return self._vm_put(vm_path(account, group, vm), body)

    def vm_undelete(self, account: str | int, group: str | int, vm: str | int) -> VirtualMachine:
        # Sent with include_deleted=true, as a GET of a deleted VM needs it (§8.7); the
        # simulator lets writes reach a deleted VM without it, as the CLI's restore expects.
        params = view_params(overview=False, include_deleted=True)
        return self._vm_put(vm_path(account, group, vm), {"deleted": False}, params=params)

    def vm_move(
        self, account: str | int, group: str | int, vm: str | int, *, group_id: int
    ) -> VirtualMachine:
        """Move to another group (any account); the VM must be powered off (§8.6)."""
        return self._vm_put(vm_path(account, group, vm), {"group_id": group_id})

    def vm_delete(
        self, account: str | int, group: str | int, vm: str | int, *, purge: bool = False
    ) -> None:
        """Soft delete (undeletable for a while), or ``purge=True``: gone for good (§8.7)."""
        params = [("purge", "true")] if purge else None
        self._transport.request("DELETE", vm_path(account, group, vm), params=params)

    def vm_signal(
        self,
        account: str | int,
        group: str | int,
        vm: str | int,
        signal: Signal,
        *,
        data: str | None = None,
    ) -> None:
        """ACPI ``powerdown``/``reset``, or ``sendkey`` with ``data`` such as
        ``ctrl-alt-delete`` (key names from definitions ``sendkeys``; §8.3)."""
        if signal not in ("powerdown", "reset", "sendkey"):
            raise ValueError(f"vm_signal: unknown signal {signal!r}")
        if (signal == "sendkey") != (data is not None):
            raise ValueError("vm_signal: data is required for sendkey and only for sendkey")
        body: dict[str, str] = {"signal": signal}
        if data is not None:
            body["data"] = data
        path = vm_path(account, group, vm) + "/signal"
        self._transport.request("POST", path, body=body)

    def vm_reimage(
        self, account: str | int, group: str | int, vm: str | int, image: ImageInstall
    ) -> None:
        """Wipe the first disc and install ``image``; the VM must be powered off and is
        powered on (autoreboot off) when done (§8.4)."""
        path = vm_path(account, group, vm) + "/reimage"
        self._transport.request("POST", path, body=image.to_json())

    def _vm_put(
        self,
        path: str,
        body: dict[str, Any],
        *,
        params: list[tuple[str, str | int]] | None = None,
    ) -> VirtualMachine:
        return self._transport.call("PUT", path, VirtualMachine.from_json, body=body, params=params)
