"""Power: start, hard stop, reboot, and the ACPI/keyboard signals (docs/bigv-api.md §8.2, §8.3).

start/stop/reboot are PUTs of BC's exact bodies and answer with the VM; signals answer with
an echo only and are refused by the brain unless the VM is powered on.
"""

from __future__ import annotations

from collections.abc import Callable

from panel.audit import Action
from panel.bigv import BigVClient, VirtualMachine
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._common import SignalSent, target_for, vm_fields
from ._guard import guarded

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
