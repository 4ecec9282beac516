"""Attribute rules for VMs and discs, with Rails-style messages (docs/bigv-api.md §5.3).

Limits chosen for the simulator (no public source gives any for VMs; §12): cores 1-16, memory
512-131072 MiB; discs 1024 MiB - 2 TiB (2097152 MiB, [D14] "up to 2 TiB"), at most 8 per VM.
Names are DNS labels without dots ([BC] doc/spec.md).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from panel.simulator import definitions as defs
from panel.simulator.web import server_error

NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# [DOCS] discs: labels must not look like Unix device names (400 "is reserved", §13, C12).
RESERVED_LABEL_RE = re.compile(r"^(?:x?vd|sd|hd)[a-z]{1,2}\d*$")
HOSTNAME_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
)

CORES = (1, 16)
MEMORY = (512, 131072)
DISC_SIZE = (1024, 2097152)
MAX_DISCS = 8
MAX_EXTRA_IPS = 4

# Values are message lists; only vm_create's "discs" holds one error object per disc.
Errors = dict[str, list[Any]]

# VM attributes a client may send (everything else is silently discarded, [D14]).
VM_SETTABLE = (
    "name",
    "cores",
    "memory",
    "hardware_profile",
    "hardware_profile_locked",
    "zone_name",
    "power_on",
    "autoreboot_on",
    "cdrom_url",
    "keymap",
)


def add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def check_name(value: Any, errors: Errors, key: str = "name") -> str | None:
    if value is None or value == "":
        add(errors, key, "can't be blank")
    elif not isinstance(value, str) or not NAME_RE.match(value):
        add(errors, key, "is invalid")
    else:
        return value
    return None


def check_int(value: Any, bounds: tuple[int, int], errors: Errors, key: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        add(errors, key, "is not a number")
        return None
    if value < bounds[0]:
        add(errors, key, f"must be greater than or equal to {bounds[0]}")
    elif value > bounds[1]:
        add(errors, key, f"must be less than or equal to {bounds[1]}")
    else:
        return value
    return None


def check_bool(value: Any, errors: Errors, key: str) -> bool | None:
    if isinstance(value, bool):
        return value
    add(errors, key, "is not included in the list")
    return None


def check_choice(value: Any, choices: list[str], errors: Errors, key: str) -> str | None:
    if isinstance(value, str) and value in choices:
        return value
    add(errors, key, "is not included in the list")
    return None


def check_cdrom_url(value: Any) -> str | None:
    """``null`` or ``""`` removes the CD; anything but an http(s) URL is a 500 (§13, C7)."""
    if value is None or value == "":
        return None
    parsed = urlparse(value) if isinstance(value, str) else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise server_error("cdrom_url could not be fetched: it must be a public HTTP(S) URL")
    return str(value)


def vm_attributes(
    body: dict[str, Any], errors: Errors, *, zone: str | None = None
) -> dict[str, Any]:
    """Validate the settable VM attributes present in ``body``; absent keys stay absent.

    ``zone`` is the current zone of an existing VM: ``zone_name`` can only be set at
    creation (any other value -> ``{"zone_name": ["cannot be changed"]}``, §13, C5).
    """
    out: dict[str, Any] = {}
    for key in VM_SETTABLE:
        if key not in body:
            continue
        value = body[key]
        result: Any = None
        if key == "name":
            result = check_name(value, errors)
        elif key == "cores":
            result = check_int(value, CORES, errors, key)
        elif key == "memory":
            result = check_int(value, MEMORY, errors, key)
        elif key == "hardware_profile":
            result = check_choice(value, defs.HARDWARE_PROFILES, errors, key)
        elif key in ("hardware_profile_locked", "power_on", "autoreboot_on"):
            result = check_bool(value, errors, key)
        elif key == "zone_name":
            if zone is not None:
                if value != zone:
                    add(errors, key, "cannot be changed")
                continue
            result = check_choice(value, defs.ZONE_NAMES, errors, key)
        elif key == "keymap":
            if value is None or value == "":
                out[key] = None
                continue
            result = check_choice(value, defs.KEYMAPS, errors, key)
        elif key == "cdrom_url":
            out[key] = check_cdrom_url(value)
            continue
        if result is not None:
            out[key] = result
    return out


def disc_attributes(body: dict[str, Any], errors: Errors, *, creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if creating and body.get("size") is None:
        add(errors, "size", "can't be blank")
    elif "size" in body:
        size = check_int(body["size"], DISC_SIZE, errors, "size")
        if size is not None:
            out["size"] = size
    if creating:
        grade = body.get("storage_grade") or defs.DEFAULT_STORAGE_GRADE
        if check_choice(grade, defs.STORAGE_GRADES, errors, "storage_grade"):
            out["storage_grade"] = grade
    if body.get("label") not in (None, ""):
        label = body["label"]
        if not isinstance(label, str) or len(label) > 255:
            add(errors, "label", "is invalid")
        elif RESERVED_LABEL_RE.match(label):
            add(errors, "label", "is reserved")
        else:
            out["label"] = label
    if creating and "backup_schedules" in body:
        schedules = body["backup_schedules"]
        if not isinstance(schedules, list) or not all(isinstance(s, dict) for s in schedules):
            add(errors, "backup_schedules", "is invalid")
        else:
            out["backup_schedules"] = [_schedule(s) for s in schedules]
    return out


def _schedule(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "start_at": s.get("start_at"),
        "interval_seconds": s.get("interval_seconds"),
        "capacity": s.get("capacity", 1),
    }


def next_disc_label(labels: list[str]) -> str:
    """BC's rule: ``disc-N`` with N = max(existing N, disc count) + 1."""
    highest = len(labels)
    for label in labels:
        if label.startswith("disc-") and label[5:].isdigit():
            highest = max(highest, int(label[5:]))
    return f"disc-{highest + 1}"


def valid_hostname(value: Any) -> bool:
    return isinstance(value, str) and bool(HOSTNAME_RE.match(value.lower().rstrip(".")))
