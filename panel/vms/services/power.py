"""Power: start, hard stop, reboot, the ACPI/keyboard signals, and booting into the rescue
appliance and back (docs/bigv-api.md §8.2, §8.3, §8.8).

start/stop/reboot are PUTs of BC's exact bodies and answer with the VM; signals answer with
an echo only and are refused by the brain unless the VM is powered on.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError

from panel.access.levels import Need
from panel.audit import Action
from panel.bigv import BigVClient, VirtualMachine
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._common import SignalSent, audited, target_for, vm_fields
from ._guard import checked_vm, guarded

_POWER_FIELDS = ("power_on", "autoreboot_on")


def _power_put(
    actor: Actor,
    action: Action,
    client: BigVClient,
    ref: VmRef,
    put: Callable[[str, str, str], VirtualMachine],
) -> VirtualMachine:
    return guarded(
        actor=actor,
        action=action,
        client=client,
        ref=ref,
        call=lambda vm: put(ref.account, ref.group, ref.vm),
        before=lambda vm: vm_fields(vm, *_POWER_FIELDS),
        after=lambda vm: vm_fields(vm, *_POWER_FIELDS),
        target=lambda vm: target_for(ref, vm),
    )


def vm_power_on(*, actor: Actor, client: BigVClient, ref: VmRef) -> VirtualMachine:
    """Start: ``autoreboot_on`` and ``power_on`` true."""
    return _power_put(actor, Action.VM_POWER_ON, client, ref, client.vm_start)


def vm_power_off(*, actor: Actor, client: BigVClient, ref: VmRef) -> VirtualMachine:
    """Hard stop ("pull the plug"): both false, so the brain does not start it again."""
    return _power_put(actor, Action.VM_POWER_OFF, client, ref, client.vm_stop)


def vm_reboot(*, actor: Actor, client: BigVClient, ref: VmRef) -> VirtualMachine:
    """Power off with ``autoreboot_on`` true: the brain powers it straight back on, so the
    returned VM may still say "off" for a moment."""
    return _power_put(actor, Action.VM_REBOOT, client, ref, client.vm_restart)


def _signal(
    *,
    actor: Actor,
    action: Action,
    client: BigVClient,
    ref: VmRef,
    signal: str,
    data: str | None = None,
) -> SignalSent:
    def send(vm: VirtualMachine) -> SignalSent:
        client.vm_signal(ref.account, ref.group, ref.vm, signal, data=data)  # type: ignore[arg-type]
        return SignalSent(ref=ref, signal=signal, data=data)

    params = {"signal": signal} if data is None else {"signal": signal, "keys": data}
    return guarded(
        actor=actor,
        action=action,
        client=client,
        ref=ref,
        call=send,
        params=params,
        before=lambda vm: vm_fields(vm, *_POWER_FIELDS),
    )


def vm_acpi_powerdown(*, actor: Actor, client: BigVClient, ref: VmRef) -> SignalSent:
    """Press the soft power button; the guest OS decides (and may ignore it)."""
    return _signal(
        actor=actor, action=Action.VM_POWERDOWN, client=client, ref=ref, signal="powerdown"
    )


def vm_reset(*, actor: Actor, client: BigVClient, ref: VmRef) -> SignalSent:
    """Instant reset in the same host process: pending spec changes are not applied."""
    return _signal(actor=actor, action=Action.VM_RESET, client=client, ref=ref, signal="reset")


def vm_sendkey(*, actor: Actor, client: BigVClient, ref: VmRef, keys: str) -> SignalSent:
    """Send a key combination such as ``ctrl-alt-delete`` (names from definitions)."""
    if not keys or any(not key for key in keys.split("-")):
        raise ValueError("vm_sendkey: keys must be dash-separated key names")
    return _signal(
        actor=actor, action=Action.VM_SENDKEY, client=client, ref=ref, signal="sendkey", data=keys
    )


# --- the rescue appliance (docs/bigv-api.md §8.8, §13 C70, C78) ------------------------------


def _rescue_state(vm: VirtualMachine) -> dict[str, object]:
    state = vm_fields(vm, *_POWER_FIELDS)
    state["appliance"] = vm.appliance.name if vm.appliance else None
    return state


def vm_rescue_boot(*, actor: Actor, client: BigVClient, ref: VmRef) -> VirtualMachine:
    """Boot into BigV's rescue appliance, for this boot only (BC's ``restart server
    --rescue``). A running VM is first stopped hard — the rescue image is for a VM whose own
    system cannot be trusted to shut down — each write audited on its own."""
    vm = checked_vm(actor=actor, client=client, ref=ref, action=Action.VM_RESCUE, need=Need.MANAGE)
    known = VmRef(account=ref.account, group=ref.group, vm=ref.vm, vm_id=vm.id)
    if vm.power_on:
        vm = audited(
            actor=actor,
            action=Action.VM_POWER_OFF,
            client=client,
            ref=known,
            call=lambda: client.vm_stop(ref.account, ref.group, ref.vm),
            params={"why": "to boot into the rescue appliance"},
            before=_rescue_state(vm),
            after=_rescue_state,
        )
    was = _rescue_state(vm)
    return audited(
        actor=actor,
        action=Action.VM_RESCUE,
        client=client,
        ref=known,
        call=lambda: client.vm_start_appliance(ref.account, ref.group, ref.vm),
        params={"appliance": "rescue", "permanent": False},
        before=was,
        after=_rescue_state,
        target=lambda result: target_for(known, result),
    )


def vm_rescue_leave(*, actor: Actor, client: BigVClient, ref: VmRef) -> VirtualMachine:
    """Back from rescue: a hard restart, after which BigV boots the VM's own discs (the
    appliance was for one boot). Offered while BigV reports the appliance."""

    def running(vm: VirtualMachine) -> None:
        if not vm.power_on:
            raise ValidationError(f"{vm.name} is off: starting it boots its own discs.")

    return guarded(
        actor=actor,
        action=Action.VM_RESCUE_LEAVE,
        client=client,
        ref=ref,
        check=running,
        call=lambda vm: client.vm_restart(ref.account, ref.group, ref.vm),
        before=_rescue_state,
        after=_rescue_state,
        target=lambda vm: target_for(ref, vm),
    )
