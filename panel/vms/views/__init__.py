"""Views of the VM page and its direct actions (one module per group of actions)."""

from .detail import by_id, detail, ip_rdns, lower, panel
from .discs import disc_create, disc_delete, disc_resize
from .lifecycle import delete, purge, undelete
from .power import power, sendkey
from .settings import autoreboot, cdrom, hardware_profile_lock, keymap, rename

__all__ = [
    "autoreboot",
    "by_id",
    "cdrom",
    "delete",
    "detail",
    "disc_create",
    "disc_delete",
    "disc_resize",
    "hardware_profile_lock",
    "ip_rdns",
    "keymap",
    "lower",
    "panel",
    "power",
    "purge",
    "rename",
    "sendkey",
    "undelete",
]
