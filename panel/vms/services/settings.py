"""Settings that are always accepted, even on a running VM (docs/bigv-api.md §8.5):
name, CD-ROM, keymap, hardware-profile lock and autoreboot. Each is one partial PUT."""

from __future__ import annotations

from typing import Any

from panel.audit import Action
from panel.bigv import BigVClient, VirtualMachine
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._common import target_for, vm_fields
from ._guard import guarded


def _update(
    *, actor: Actor, action: Action, client: BigVClient, ref: VmRef, changes: dict[str, Any]
) -> VirtualMachine:
    return guarded(
        actor=actor,
        action=action,
        client=client,
        ref=ref,
        call=lambda vm: client.vm_update(ref.account, ref.group, ref.vm, **changes),
        params=changes,
        before=lambda vm: vm_fields(vm, *changes),
        after=lambda vm: vm_fields(vm, *changes),
        target=lambda vm: target_for(ref, vm),
    )


def vm_rename(*, actor: Actor, client: BigVClient, ref: VmRef, name: str) -> VirtualMachine:
    """Rename in place (no ``group_id``: BC sends it, but a same-group rename needs none).
    The audit target keeps the old name, which is what the VM was called when renamed."""
    return _update(
        actor=actor, action=Action.VM_RENAME, client=client, ref=ref, changes={"name": name}
    )


def vm_set_cdrom(
    *, actor: Actor, client: BigVClient, ref: VmRef, url: str | None
) -> VirtualMachine:
    """Insert an ISO by URL, or eject with ``url=None`` (sent as JSON null: BC's ``{}``
    cannot clear it, docs/bigv-api.md §13)."""
    if url is not None and not url.startswith(("http://", "https://")):
        raise ValueError("vm_set_cdrom: only http and https URLs")
    return _update(
        actor=actor, action=Action.VM_CDROM, client=client, ref=ref, changes={"cdrom_url": url}
    )


def vm_set_keymap(
    *, actor: Actor, client: BigVClient, ref: VmRef, keymap: str | None
) -> VirtualMachine:
    """``keymap=None`` returns the console to the default."""
    return _update(
        actor=actor, action=Action.VM_KEYMAP, client=client, ref=ref, changes={"keymap": keymap}
    )


def vm_set_hardware_profile_lock(
    *, actor: Actor, client: BigVClient, ref: VmRef, locked: bool
) -> VirtualMachine:
    """Locked: BigV will not upgrade the hardware profile automatically."""
    return _update(
        actor=actor,
        action=Action.VM_HARDWARE_PROFILE,
        client=client,
        ref=ref,
        changes={"hardware_profile_locked": locked},
    )


def vm_set_autoreboot(
    *, actor: Actor, client: BigVClient, ref: VmRef, enabled: bool
) -> VirtualMachine:
    """Whether the brain powers the VM back on after it goes off."""
    return _update(
        actor=actor,
        action=Action.VM_AUTOREBOOT,
        client=client,
        ref=ref,
        changes={"autoreboot_on": enabled},
    )
