"""Every direct action as one table row: its URL, a valid form, and the write it makes.

Every action first reads the VM (``GET …/virtual_machines/{vm}?include_deleted=true``, by the
URL's names), then makes its one write; rDNS also reads the address in between. The
error-path tests run each row against the panel's own refusals (role or level, a busy VM)
and against real failures of the write (401, 500, timeout) or of the read (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from panel.audit import Action
from tests.vms.helpers import vm_url

VM_PATH = r"/accounts/demo/groups/web/virtual_machines/web1"


@dataclass(frozen=True)
class Case:
    name: str
    action: Action
    method: str  # the write the action makes, after reading the VM
    path: str  # regex of its path, for fault injection
    data: dict[str, Any] = field(default_factory=dict)
    url_extra: dict[str, Any] = field(default_factory=dict)
    errors_slot: str = ""
    lifecycle: bool = False  # needs group_admin (delete, undelete, purge), else vm_admin

    @property
    def calls(self) -> int:
        """API calls of an action whose write is answered: the VM read, (rDNS: the address
        read,) the write."""
        return 3 if self.name == "ip_rdns" else 2

    def url(self, vm: str = "web1", **overrides: Any) -> str:
        return vm_url(vm, self.url_name, **{**self.url_extra, **overrides})

    @property
    def url_name(self) -> str:
        return self.name


def cases(disc_id: int) -> list[Case]:
    disc = {"disc": disc_id}
    return [
        Case("start", Action.VM_POWER_ON, "PUT", VM_PATH + "$", errors_slot="power-errors"),
        Case("stop", Action.VM_POWER_OFF, "PUT", VM_PATH + "$", errors_slot="power-errors"),
        Case("reboot", Action.VM_REBOOT, "PUT", VM_PATH + "$", errors_slot="power-errors"),
        Case(
            "powerdown",
            Action.VM_POWERDOWN,
            "POST",
            VM_PATH + "/signal$",
            errors_slot="power-errors",
        ),
        Case("reset", Action.VM_RESET, "POST", VM_PATH + "/signal$", errors_slot="power-errors"),
        Case(
            "sendkey",
            Action.VM_SENDKEY,
            "POST",
            VM_PATH + "/signal$",
            data={"key1": "ctrl", "key2": "alt", "key3": "delete"},
            errors_slot="sendkey-form-errors",
        ),
        Case(
            "rename",
            Action.VM_RENAME,
            "PUT",
            VM_PATH + "$",
            data={"name": "web9"},
            errors_slot="rename-form-errors",
        ),
        Case(
            "cdrom",
            Action.VM_CDROM,
            "PUT",
            VM_PATH + "$",
            data={"url": "https://example.com/debian.iso"},
            errors_slot="cdrom-form-errors",
        ),
        Case(
            "keymap",
            Action.VM_KEYMAP,
            "PUT",
            VM_PATH + "$",
            data={"keymap": "de"},
            errors_slot="keymap-form-errors",
        ),
        Case(
            "hardware_profile_lock",
            Action.VM_HARDWARE_PROFILE,
            "PUT",
            VM_PATH + "$",
            data={"value": "true"},
            errors_slot="settings-errors",
        ),
        Case(
            "autoreboot",
            Action.VM_AUTOREBOOT,
            "PUT",
            VM_PATH + "$",
            data={"value": "false"},
            errors_slot="settings-errors",
        ),
        Case(
            "disc_create",
            Action.DISC_CREATE,
            "POST",
            VM_PATH + "/discs$",
            data={"size_gib": "10", "storage_grade": "sata", "label": "data"},
            errors_slot="disc-add-form-errors",
        ),
        Case(
            "disc_resize",
            Action.DISC_RESIZE,
            "PUT",
            VM_PATH + r"/discs/\d+$",
            data={"size_gib": "30", "current_size": "25600"},
            url_extra=disc,
            errors_slot=f"disc-{disc_id}-errors",
        ),
        Case(
            "disc_delete",
            Action.DISC_DELETE,
            "DELETE",
            VM_PATH + r"/discs/\d+$",
            url_extra=disc,
            errors_slot=f"disc-{disc_id}-errors",
        ),
        Case(
            "ip_rdns",
            Action.IP_RDNS,
            "PUT",
            r"^/ips/",
            data={"rdns": "www.example.com"},
            url_extra={"address": "192.0.2.2"},
            errors_slot="rdns-192-0-2-2-form-errors",
        ),
        Case(
            "delete",
            Action.VM_DELETE,
            "DELETE",
            VM_PATH + "$",
            errors_slot="danger-errors",
            lifecycle=True,
        ),
        Case(
            "undelete",
            Action.VM_UNDELETE,
            "PUT",
            VM_PATH + "$",
            errors_slot="danger-errors",
            lifecycle=True,
        ),
        Case(
            "purge",
            Action.VM_PURGE,
            "DELETE",
            VM_PATH + "$",
            data={"confirm_name": "web1"},
            errors_slot="purge-form-errors",
            lifecycle=True,
        ),
    ]


CASE_NAMES = [case.name for case in cases(0)]


def case_named(name: str, disc_id: int) -> Case:
    return next(case for case in cases(disc_id) if case.name == name)
