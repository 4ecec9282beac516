"""Plans that change an existing VM: spec, group, image (power off → change → power on)."""

from __future__ import annotations

import dataclasses
from typing import Any

from panel.bigv import BigVClient
from panel.vm_changes.describe import spec_change_text
from panel.vm_changes.kinds import OperationKind
from panel.vms.refs import VmRef

from .base import (
    InvalidPlan,
    NothingToDo,
    Plan,
    PlanStep,
    check_grace,
    power_off_step,
    power_on_step,
    read_vm,
    subject,
    verify_step,
)


def _cycle(
    kind: str,
    ref: VmRef,
    original: dict[str, Any],
    change: PlanStep,
    expect: dict[str, Any],
    params: dict[str, Any],
    grace: float,
    hard_off: bool,
) -> Plan:
    """Power off if running → change → power back on if it was on → verify.

    The hardware-profile lock alone is accepted on a running VM (contract running-VM rule)
    and needs no reboot, so that change skips the power cycle.
    """
    on = bool(original["power_on"])
    cycle = on and set(expect) != {"hardware_profile_locked"}
    steps = [power_off_step(grace, hard_off)] if cycle else []
    steps.append(change)
    if cycle:
        steps.append(power_on_step(bool(original["autoreboot_on"])))
    steps.append(verify_step({**expect, "power_on": on}))
    return Plan(kind, ref, tuple(steps), original, params, subject(ref, original))


def plan_spec_change(
    *,
    client: BigVClient,
    ref: VmRef,
    cores: int | None = None,
    memory: int | None = None,
    hardware_profile: str | None = None,
    hardware_profile_locked: bool | None = None,
    grace_seconds: float = 60,
    hard_off: bool = True,
) -> Plan:
    grace_seconds = check_grace(grace_seconds)
    for key, value in (("cores", cores), ("memory", memory)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise InvalidPlan(f"{key} must be a positive whole number")
    ref, original = read_vm(client, ref)
    wanted = {
        "cores": cores,
        "memory": memory,
        "hardware_profile": hardware_profile,
        "hardware_profile_locked": hardware_profile_locked,
    }
    spec = {k: v for k, v in wanted.items() if v is not None and v != original[k]}
    if not spec:
        raise NothingToDo(f"{ref.vm} already has that spec.")
    change = PlanStep("apply_spec", spec_change_text(original, spec), {"spec": spec})
    params = {**spec, "grace_seconds": grace_seconds, "hard_off": hard_off}
    kind = OperationKind.SPEC_CHANGE
    return _cycle(kind, ref, original, change, spec, params, grace_seconds, hard_off)


def plan_move(
    *,
    client: BigVClient,
    ref: VmRef,
    target_group: str,
    target_account: str | None = None,
    grace_seconds: float = 60,
    hard_off: bool = True,
) -> Plan:
    """Moving between groups needs the VM powered off (docs/bigv-api.md §8.6)."""
    grace_seconds = check_grace(grace_seconds)
    ref, original = read_vm(client, ref)
    account = target_account or ref.account
    target = client.group(account, target_group)
    if target.id == original["group_id"]:
        raise NothingToDo(f"{ref.vm} is already in group {target.name}.")
    where = target.name if account == ref.account else f"{account}/{target.name}"
    move_args = {"group_id": target.id, "group": target.name, "account": account}
    change = PlanStep("move", f"move to group {where}", move_args)
    params = {
        "target_group": target.name,
        "target_group_id": target.id,
        "target_account": account,
        "grace_seconds": grace_seconds,
        "hard_off": hard_off,
    }
    expect = {"group_id": target.id}
    kind = OperationKind.MOVE
    plan = _cycle(kind, ref, original, change, expect, params, grace_seconds, hard_off)
    if account == ref.account:
        return plan
    # Into another account (docs/bigv-api.md §8.6): say what follows from it.
    away = (
        f"{ref.vm} leaves account {ref.account}: its hostname changes to name group "
        f"{target.name} of account {account} (its addresses stay), and people whose BigV "
        f"privileges are only on {ref.account} no longer see it."
    )
    return dataclasses.replace(plan, warnings=(*plan.warnings, away))
