"""The state model: plain dataclasses holding JSON-friendly values only.

Keeping every field a str/int/float/bool/None/list/dict means persistence is just
``dataclasses.asdict`` and ``Cls(**row)``; derived look-up indexes live in ``World``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Fields of a VM whose change only takes effect at the next power-off -> power-on
# (docs/bigv-api.md §8.5, the running-VM rule; BC update-server help).
SPEC_KEYS = ("cores", "memory", "hardware_profile")


@dataclass
class Account:
    id: int
    name: str
    suspended: bool = False


@dataclass
class Group:
    id: int
    account_id: int
    name: str


@dataclass
class VirtualMachine:
    id: int
    group_id: int
    name: str
    cores: int = 1
    memory: int = 1024
    hardware_profile: str = "virtio2013"
    hardware_profile_locked: bool = False
    zone_name: str = "york"
    power_on: bool = False
    autoreboot_on: bool = False
    cdrom_url: str | None = None
    keymap: str | None = None
    deleted: bool = False
    last_imaged_with: str | None = None
    head: str | None = None
    management_address: str = ""
    created_at: float = 0.0
    deleted_at: float | None = None
    # Test flag: the guest OS ignores ACPI powerdown, as a real guest may (docs/bigv-api.md §11).
    ignore_acpi: bool = False
    # The spec the running guest actually booted with; None while powered off.
    running: dict[str, Any] | None = None
    # The appliance the running guest booted ({"name", "permanent"}); None: its own discs
    # (or off). A permanent choice is kept for every later boot (simulator/appliance.py).
    appliance: dict[str, Any] | None = None
    boot_appliance: dict[str, Any] | None = None
    # At most one timed transition per VM: provisioning, reimaging, shutting_down, rebooting.
    activity: str | None = None
    activity_due: float | None = None
    activity_data: dict[str, Any] = field(default_factory=dict)
    event_seq: int | None = None


@dataclass
class Disc:
    id: int
    vm_id: int
    label: str
    size: int
    storage_grade: str = "sata"
    storage_pool: str = ""
    # {"id", "start_at", "interval_seconds", "capacity", "next_at"}; next_at is internal.
    backup_schedules: list[dict[str, Any]] = field(default_factory=list)
    # While a backup is being restored onto it (docs/bigv-api.md §9.1): due time, backup id.
    restore_due: float | None = None
    restoring_from: int | None = None
    backup_ids: list[int] = field(default_factory=list)  # its backups, oldest first


@dataclass
class Backup:
    """A copy of a disc (docs/bigv-api.md §9.1): taken on the disc's grade, then kept in
    ``iceberg``; ``due`` is when it gets there (until then it is in progress)."""

    id: int
    disc_id: int
    label: str
    size: int
    storage_grade: str
    created_at: float
    due: float
    manual: bool = True
    schedule_id: int | None = None  # taken by this schedule: pruned to its capacity
    storage_pool: str = ""


@dataclass
class Nic:
    id: int
    vm_id: int
    mac: str
    ips: list[str]
    vlan_num: int = 1
    label: str | None = None
    # extra IP -> the primary IPv4 it is routed via (docs/bigv-api.md §6.5)
    extra_ips: dict[str, str] = field(default_factory=dict)


@dataclass
class User:
    id: int
    username: str
    password: str
    email: str = ""
    authorized_keys: str = ""
    # The auth service answers "Missing 2FA" until a second factor is sent.
    second_factor: bool = False


@dataclass
class Privilege:
    id: int
    user_id: int
    level: str
    account_id: int | None = None
    group_id: int | None = None
    virtual_machine_id: int | None = None
    api_key_id: int | None = None
    password_required: bool = True
    yubikey_required: bool = False
    yubikey_otp_max_age: int = 900
    ip_restrictions: str | None = None
    creating_username: str | None = None


@dataclass
class ApiKey:
    id: int
    user_id: int
    label: str
    # Stored without the "apikey." prefix (BC struct comment; the header carries the prefix).
    secret: str
    expires_at: str | None = None


@dataclass
class Session:
    token: str
    username: str
    factors: list[str]
    expires_at: float
