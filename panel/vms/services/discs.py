"""Discs: add, grow, delete (docs/bigv-api.md §7.5, §9). Audited against their VM, so a disc change
appears in the VM's history; the disc itself is named in ``params``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from panel.audit import Action
from panel.bigv import BigVClient, Disc
from panel.bigv.discs import next_disc_label
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._common import audited

MAX_DISC_MIB = 2048 * 1024


@dataclass(frozen=True, slots=True)
class DiscDeleted:
    ref: VmRef
    disc_id: int


def _disc_fields(disc: Disc) -> dict[str, Any]:
    return {"id": disc.id, "label": disc.label, "size": disc.size, "grade": disc.storage_grade}


def disc_create(
    *,
    actor: Actor,
    client: BigVClient,
    ref: VmRef,
    size: int,
    storage_grade: str,
    label: str | None = None,
    existing_labels: Iterable[str] = (),
) -> Disc:
    """Add a disc of ``size`` MiB.

    Without a label the next ``disc-N`` is chosen from ``existing_labels`` (the discs the
    page showed) rather than letting the client GET the VM first: one action, one call. If
    the page was stale the brain refuses the duplicate label and the form says so.
    """
    if not 1 <= size <= MAX_DISC_MIB:
        raise ValueError("disc_create: size must be between 1 MiB and 2 TiB")
    chosen = label or next_disc_label(existing_labels)
    params = {"label": chosen, "size": size, "storage_grade": storage_grade}
    return audited(
        actor=actor,
        action=Action.DISC_CREATE,
        client=client,
        ref=ref,
        call=lambda: client.disc_create(
            ref.account, ref.group, ref.vm, size=size, storage_grade=storage_grade, label=chosen
        ),
        params=params,
        after=_disc_fields,
    )


def disc_resize(
    *, actor: Actor, client: BigVClient, ref: VmRef, disc_id: int, size: int, current_size: int
) -> Disc:
    """Grow a disc to ``size`` MiB. ``current_size`` is the size the page showed: a request
    that would not grow it is refused here, before any call (the API refuses shrinks too)."""
    if size <= current_size:
        raise ValueError("disc_resize: discs can only grow")
    if size > MAX_DISC_MIB:
        raise ValueError("disc_resize: at most 2 TiB")
    return audited(
        actor=actor,
        action=Action.DISC_RESIZE,
        client=client,
        ref=ref,
        call=lambda: client.disc_resize(ref.account, ref.group, ref.vm, disc_id, size=size),
        params={"disc_id": disc_id, "size": size},
        before={"size": current_size},
        after=lambda disc: {"size": disc.size},
    )


def disc_delete(
    *,
    actor: Actor,
    client: BigVClient,
    ref: VmRef,
    disc_id: int,
    before: Mapping[str, Any] | None = None,
) -> DiscDeleted:
    """Delete and purge a disc (the brain answers 500 to a delete without purge)."""

    def delete() -> DiscDeleted:
        client.disc_delete(ref.account, ref.group, ref.vm, disc_id)
        return DiscDeleted(ref=ref, disc_id=disc_id)

    return audited(
        actor=actor,
        action=Action.DISC_DELETE,
        client=client,
        ref=ref,
        call=delete,
        params={"disc_id": disc_id, "purge": True},
        before=before,
    )
