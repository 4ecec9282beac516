"""``VmSnapshot``: a VM's state as an operation records, compares and shows it.

One type for what used to be four key lists: what compensation restores (recorded before the
first write as ``Operation.original``), what "the VM changed since the plan" is checked on,
and what "needs attention" shows as *now* versus *before*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from panel.bigv import VirtualMachine

SPEC = ("cores", "memory", "hardware_profile", "hardware_profile_locked")
# A plan was decided from these: if any differs when it is started, the user must look again.
PLAN_DEPENDS_ON = ("power_on", *SPEC, "group_id")
# Right before the first write the worker checks what its power steps were decided from.
STEPS_DEPEND_ON = ("power_on", "group_id")
# What a person is shown of the VM's state (group by name).
SHOWN = ("power_on", "autoreboot_on", *SPEC, "group")


@dataclass(frozen=True, slots=True)
class VmSnapshot:
    id: int | None
    name: str
    account: str
    group: str
    group_id: int | None
    power_on: bool | None
    autoreboot_on: bool | None
    cores: int | None
    memory: int | None
    hardware_profile: str | None
    hardware_profile_locked: bool | None
    last_imaged_with: str | None = None

    @classmethod
    def of(cls, vm: VirtualMachine, *, account: str, group: str) -> VmSnapshot:
        return cls(
            id=vm.id,
            name=vm.name,
            account=account,
            group=group,
            group_id=vm.group_id,
            power_on=vm.power_on,
            autoreboot_on=vm.autoreboot_on,
            cores=vm.cores,
            memory=vm.memory,
            hardware_profile=vm.hardware_profile,
            hardware_profile_locked=vm.hardware_profile_locked,
            last_imaged_with=vm.last_imaged_with,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VmSnapshot:
        """From ``Operation.original`` (missing keys are None)."""
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def differs(self, other: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
        """The keys of ``keys`` whose value in ``other`` is not this snapshot's."""
        mine = self.to_json()
        return [key for key in keys if mine.get(key) != other.get(key)]

    def shown(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in SHOWN}
