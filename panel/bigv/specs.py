"""Request bodies the panel builds (docs/bigv-api.md): vm_create spec (§6.12), disc spec,
reimage (§6.13)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ImageInstall:
    """Reimage / install body. ``to_json`` always sends all four keys, as BC does ([OBS])."""

    distribution: str
    root_password: str = ""
    ssh_public_key: str = ""  # newline-separated authorized_keys content
    firstboot_script: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "distribution": self.distribution,
            "root_password": self.root_password,
            "ssh_public_key": self.ssh_public_key,
            "firstboot_script": self.firstboot_script,
        }

    def __repr__(self) -> str:
        # Specs end up in logs, audit "parameters" and tracebacks: never show the password.
        # firstboot scripts often embed secrets too, so only their size is shown.
        password = "<redacted>" if self.root_password else "''"
        return (
            f"ImageInstall(distribution={self.distribution!r}, root_password={password}, "
            f"ssh_public_key={self.ssh_public_key!r}, "
            f"firstboot_script=<{len(self.firstboot_script)} chars>)"
        )


@dataclass(frozen=True, slots=True)
class BackupScheduleSpec:
    """Body of ``POST …/discs/{d}/backup_schedules``, and a disc's schedule in vm_create
    (docs/bigv-api.md §9.1): ``start_at`` as the CLI writes it (``"2026-11-27 00:00:00
    UTC"``, ``"00:00"`` or RFC 3339), every ``interval_seconds``, keeping ``capacity``."""

    start_at: str
    interval_seconds: int
    capacity: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "start_at": self.start_at,
            "interval_seconds": self.interval_seconds,
            "capacity": self.capacity,
        }


@dataclass(frozen=True, slots=True)
class DiscSpec:
    size: int  # MiB
    storage_grade: str = "sata"  # BC fills "sata" when blank
    label: str | None = None  # None -> "disc-<position>" in VirtualMachineSpec.to_json
    backup_schedules: tuple[BackupScheduleSpec, ...] = ()

    def to_json(self, position: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "label": self.label or f"disc-{position}",
            "storage_grade": self.storage_grade or "sata",
            "size": self.size,
        }
        if self.backup_schedules:  # BC omits an empty list (omitempty)
            body["backup_schedules"] = [s.to_json() for s in self.backup_schedules]
        return body


@dataclass(frozen=True, slots=True)
class VirtualMachineSpec:
    """Body of ``POST /accounts/{a}/groups/{g}/vm_create`` (docs/bigv-api.md §6.12)."""

    name: str
    cores: int = 1  # BC's defaults: 1 core, 1024 MiB
    memory: int = 1024
    zone_name: str | None = None
    hardware_profile: str | None = None
    hardware_profile_locked: bool | None = None
    autoreboot_on: bool = True
    cdrom_url: str | None = None
    discs: tuple[DiscSpec, ...] = ()
    reimage: ImageInstall | None = None
    ips: dict[str, str] | None = field(default=None, hash=False)  # {"ipv4": …, "ipv6": …}

    def to_json(self) -> dict[str, Any]:
        """Omit None/empty values like BC (§4.1, §6.12). Booleans that were set are sent as
        given (BC's omitempty drops ``false``; sending it is harmless and explicit).
        ``power_on`` is never sent: BC never sends it in vm_create (§8.1)."""
        vm: dict[str, Any] = {"name": self.name, "cores": self.cores, "memory": self.memory}
        optional = {
            "zone_name": self.zone_name,
            "hardware_profile": self.hardware_profile,
            "hardware_profile_locked": self.hardware_profile_locked,
            "cdrom_url": self.cdrom_url,
            "autoreboot_on": self.autoreboot_on,
        }
        vm.update({k: v for k, v in optional.items() if v is not None and v != ""})
        body: dict[str, Any] = {"virtual_machine": vm}
        if self.discs:
            # BC labels unlabelled discs by position: disc-1..N (BC:lib/vm_calls.go).
            body["discs"] = [disc.to_json(i) for i, disc in enumerate(self.discs, start=1)]
        if self.reimage is not None:
            body["reimage"] = self.reimage.to_json()
        ips = {k: v for k, v in (self.ips or {}).items() if v}
        if ips:
            body["ips"] = ips
        return body
