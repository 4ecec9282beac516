"""Timed power transitions, evaluated lazily from timestamps.

There is no background thread: each VM carries at most one pending transition
(``activity`` + ``activity_due``) and a heap of ``(due, seq, vm_id)`` lets ``tick`` complete
every transition that is due, in order, at the start of each request. Advancing the world
clock therefore completes transitions deterministically, which is what tests use. A chained
transition (shutdown -> autoreboot) is scheduled from the due time of the previous one, so
one big clock advance plays the whole chain.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

from panel.simulator import appliance, backups, ippool
from panel.simulator.model import SPEC_KEYS, VirtualMachine
from panel.simulator.world import World

PROVISIONING = "provisioning"
REIMAGING = "reimaging"
SHUTTING_DOWN = "shutting_down"
REBOOTING = "rebooting"
# While the brain images a VM it owns the power state; PUT power_on is refused meanwhile.
IMAGING = (PROVISIONING, REIMAGING)

# Who hears what the guest goes through: the serial console (panel.simulator.console) shows
# boot and shutdown lines. Called under the world lock with the VM, the event ("boot",
# "halt", "powerdown", "reset", "sendkey") and its details; nothing listens unless a
# console runs, and an observer must only take note (it may not change the world).
Observer = Callable[[VirtualMachine, str, dict[str, Any]], None]
observers: list[Observer] = []


def _tell(vm: VirtualMachine, event: str, **details: Any) -> None:
    for observer in observers:
        observer(vm, event, details)


def duration(world: World, timing: str) -> float:
    return world.timings[timing] / world.speed


def schedule(
    world: World,
    vm: VirtualMachine,
    activity: str,
    timing: str,
    base: float | None = None,
    **data: Any,
) -> None:
    """Replace the VM's pending transition with ``activity``, due after ``timing``."""
    world.event_seq += 1
    due = (world.now() if base is None else base) + duration(world, timing)
    vm.activity, vm.activity_due, vm.activity_data = activity, due, data
    vm.event_seq = world.event_seq
    heapq.heappush(world.events, (due, world.event_seq, vm.id))


def cancel(vm: VirtualMachine) -> None:
    # The heap entry stays behind; ``tick`` skips it because the seq no longer matches.
    vm.activity, vm.activity_due, vm.activity_data, vm.event_seq = None, None, {}, None


def rebuild_events(world: World) -> None:
    """Recreate the heap from the VMs (after loading a state file)."""
    world.events = [
        (vm.activity_due, vm.event_seq, vm.id)
        for vm in world.vms.values()
        if vm.activity_due is not None and vm.event_seq is not None
    ]
    heapq.heapify(world.events)


def tick(world: World) -> int:
    """Complete every transition due by now; returns how many ran."""
    now = world.now()
    done = 0
    while world.events and world.events[0][0] <= now:
        due, seq, vm_id = heapq.heappop(world.events)
        vm = world.vms.get(vm_id)
        if vm is None or vm.event_seq != seq:
            continue
        activity, data = vm.activity, vm.activity_data
        cancel(vm)
        _complete(world, vm, activity, data, due)
        done += 1
    done += backups.tick(world)  # backups, restores and schedules keep the same clock
    if done:
        world.dirty = True
    return done


def _complete(
    world: World, vm: VirtualMachine, activity: str | None, data: dict[str, Any], at: float
) -> None:
    if activity == PROVISIONING:
        if data.get("distribution"):
            vm.last_imaged_with = data["distribution"]
        if data.get("power_on"):
            boot(vm)
    elif activity == REIMAGING:
        # [D14]: when a reimage completes the VM is powered on with autoreboot_on false.
        vm.last_imaged_with = data["distribution"]
        vm.autoreboot_on = False
        boot(vm)
    elif activity == SHUTTING_DOWN:
        halt(world, vm, at)
    elif activity == REBOOTING:
        boot(vm)


def boot(vm: VirtualMachine, chosen: dict[str, Any] | None = None) -> None:
    """Power on: a fresh boot picks up every pending spec change, and starts the appliance
    ``chosen`` by this request (or a permanent one), else the VM's own discs."""
    vm.power_on = True
    vm.running = {key: getattr(vm, key) for key in SPEC_KEYS}
    vm.head = ippool.head_for(vm.id)
    vm.appliance = appliance.for_boot(vm, chosen)
    _tell(vm, "boot")


def halt(world: World, vm: VirtualMachine, at: float | None = None) -> None:
    """Power off; with autoreboot_on the brain brings it back ([D14] "Power")."""
    vm.power_on = False
    vm.running = None
    vm.head = None
    vm.appliance = None  # a one-off appliance ends with the boot it started
    _tell(vm, "halt")
    if vm.autoreboot_on and not vm.deleted:
        schedule(world, vm, REBOOTING, "reboot_seconds", base=at)


def pending_changes(vm: VirtualMachine) -> dict[str, dict[str, Any]]:
    """Spec values accepted while running that the guest has not booted with yet."""
    if not vm.power_on or vm.running is None:
        return {}
    return {
        key: {"running": vm.running.get(key), "configured": getattr(vm, key)}
        for key in SPEC_KEYS
        if vm.running.get(key) != getattr(vm, key)
    }


def set_power(
    world: World,
    vm: VirtualMachine,
    power_on: bool | None,
    chosen: dict[str, Any] | None = None,
) -> None:
    """Apply a PUT's ``power_on`` (already validated) after its ``autoreboot_on``; a boot
    starts the appliance ``chosen`` by the same PUT, if any."""
    if power_on is True and not vm.power_on:
        cancel(vm)
        boot(vm, chosen)
    elif power_on is False and vm.power_on:
        cancel(vm)
        halt(world, vm)
    if vm.activity == REBOOTING and not vm.autoreboot_on:
        # A stop body ({"autoreboot_on":false,"power_on":false}) during a reboot wins.
        cancel(vm)


def signal(world: World, vm: VirtualMachine, name: str, data: str | None = None) -> None:
    """ACPI powerdown / reset / sendkey on a running VM (validated by the caller)."""
    if name == "powerdown":
        if vm.activity != SHUTTING_DOWN and not vm.ignore_acpi:
            schedule(world, vm, SHUTTING_DOWN, "acpi_shutdown_seconds")
            _tell(vm, "powerdown")
    elif name in ("reset", "sendkey"):
        _tell(vm, name, keys=data)
    if name == "reset" and vm.activity == SHUTTING_DOWN:
        # Reset reboots in the same host process: pending spec changes are NOT applied
        # (BC update-server help; [DOCS] signal), and an ACPI shutdown in progress is moot.
        cancel(vm)


def take_down(vm: VirtualMachine) -> None:
    """Soft delete: the VM is taken down and stays down (no autoreboot)."""
    cancel(vm)
    vm.power_on = False
    vm.running = None
    vm.head = None
    vm.appliance = None
    _tell(vm, "halt")
