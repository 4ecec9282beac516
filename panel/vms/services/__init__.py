"""VM services: each validates, reads the VM, refuses what may not happen, makes ONE write,
audits and returns a typed value.

Keyword-only, ``actor`` first, the client passed in (docs/architecture.md, Layers). On a BigV
error the failure is audited and the error re-raised for the view to show.
"""

from ._common import SignalSent, VmGone
from .discs import DiscDeleted, disc_create, disc_delete, disc_resize
from .lifecycle import vm_delete, vm_purge, vm_undelete
from .network import IpDeleted, ip_add, ip_delete, ip_set_rdns
from .power import (
    vm_acpi_powerdown,
    vm_power_off,
    vm_power_on,
    vm_reboot,
    vm_rescue_boot,
    vm_rescue_leave,
    vm_reset,
    vm_sendkey,
)
from .settings import (
    vm_rename,
    vm_set_autoreboot,
    vm_set_cdrom,
    vm_set_hardware_profile_lock,
    vm_set_keymap,
)

__all__ = [
    "DiscDeleted",
    "IpDeleted",
    "SignalSent",
    "VmGone",
    "disc_create",
    "disc_delete",
    "disc_resize",
    "ip_add",
    "ip_delete",
    "ip_set_rdns",
    "vm_acpi_powerdown",
    "vm_delete",
    "vm_power_off",
    "vm_power_on",
    "vm_purge",
    "vm_reboot",
    "vm_rename",
    "vm_rescue_boot",
    "vm_rescue_leave",
    "vm_reset",
    "vm_sendkey",
    "vm_set_autoreboot",
    "vm_set_cdrom",
    "vm_set_hardware_profile_lock",
    "vm_set_keymap",
    "vm_undelete",
]
