"""Discs: add, grow, delete (docs/bigv-api.md §7.5, §9). Audited against their VM, so a disc
change appears in the VM's history; the disc itself is named in ``params``. The VM is read
first (``_guard``): its discs as BigV has them are the "before", and the next free label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from panel.audit import Action
from panel.bigv import BigVClient, Disc, VirtualMachine
from panel.bigv.discs import next_disc_label
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._guard import guarded

MAX_DISC_MIB = 2048 * 1024


@dataclass(frozen=True, slots=True)
class DiscDeleted:
    ref: VmRef
    disc_id: int


def _disc_fields(disc: Disc) -> dict[str, Any]:
    return {"id": disc.id, "label": disc.label, "size": disc.size, "grade": disc.storage_grade}


def _disc(vm: VirtualMachine, disc_id: int) -> Disc:
    found = next((disc for disc in vm.discs if disc.id == disc_id), None)
    if found is None:
        raise ValidationError(f"{vm.name} has no disc {disc_id} (any more).")
    return found


def disc_create(
    *,
    actor: Actor,
    client: BigVClient,
    ref: VmRef,
    size: int,
    storage_grade: str,
    label: str | None = None,
) -> Disc:
    """Add a disc of ``size`` MiB; without a label, the next free ``disc-N`` of the VM."""
    if not 1 <= size <= MAX_DISC_MIB:
        raise ValueError("disc_create: size must be between 1 MiB and 2 TiB")

    def chosen(vm: VirtualMachine) -> str:
        return label or next_disc_label(disc.label for disc in vm.discs)

    return guarded(
        actor=actor,
        action=Action.DISC_CREATE,
        client=client,
        ref=ref,
        call=lambda vm: client.disc_create(
            ref.account,
            ref.group,
            ref.vm,
            size=size,
            storage_grade=storage_grade,
            label=chosen(vm),
        ),
        params=lambda vm: {"label": chosen(vm), "size": size, "storage_grade": storage_grade},
        before=lambda vm: {"discs": sorted(disc.label or "" for disc in vm.discs)},
        after=_disc_fields,
    )


def disc_resize(*, actor: Actor, client: BigVClient, ref: VmRef, disc_id: int, size: int) -> Disc:
    """Grow a disc to ``size`` MiB; a size that would not grow it (the disc as BigV has it
    now) is refused before any write — the API refuses shrinks too."""
    if size > MAX_DISC_MIB:
        raise ValueError("disc_resize: at most 2 TiB")

    def grows(vm: VirtualMachine) -> None:
        current = _disc(vm, disc_id).size
        if size <= current:
            message = f"Discs can only grow: this one is {current // 1024} GiB now."
            raise ValidationError({"size_gib": message})

    return guarded(
        actor=actor,
        action=Action.DISC_RESIZE,
        client=client,
        ref=ref,
        check=grows,
        call=lambda vm: client.disc_resize(ref.account, ref.group, ref.vm, disc_id, size=size),
        params={"disc_id": disc_id, "size": size},
        before=lambda vm: {"size": _disc(vm, disc_id).size},
        after=lambda disc: {"size": disc.size},
    )


def disc_delete(*, actor: Actor, client: BigVClient, ref: VmRef, disc_id: int) -> DiscDeleted:
    """Delete and purge a disc (the brain answers 500 to a delete without purge)."""

    def exists(vm: VirtualMachine) -> None:
        _disc(vm, disc_id)

    def delete(vm: VirtualMachine) -> DiscDeleted:
        client.disc_delete(ref.account, ref.group, ref.vm, disc_id)
        return DiscDeleted(ref=ref, disc_id=disc_id)

    return guarded(
        actor=actor,
        action=Action.DISC_DELETE,
        client=client,
        ref=ref,
        check=exists,
        call=delete,
        params={"disc_id": disc_id, "purge": True},
        before=lambda vm: _disc_fields(_disc(vm, disc_id)),
    )
