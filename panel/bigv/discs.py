"""Discs (docs/bigv-api.md §7.5 routes, §9 rules)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._base import ResourceBase, seg, view_params, vm_path
from .types import Disc, VirtualMachine

_DISC_N = re.compile(r"disc-(\d+)")


def next_disc_label(labels: Iterable[str]) -> str:
    """BC's rule (BC:lib/disc_calls.go; docs/bigv-api.md §9): ``disc-(max(N of existing
    "disc-N" labels, number of discs) + 1)`` — legacy ``vda``-style labels still count."""
    labels = list(labels)
    numbers = [int(m.group(1)) for label in labels if (m := _DISC_N.fullmatch(label))]
    return f"disc-{max([len(labels), *numbers]) + 1}"


def _discs_path(account: str | int, group: str | int, vm: str | int) -> str:
    return vm_path(account, group, vm) + "/discs"


class DiscsMixin(ResourceBase):
    def disc(self, account: str | int, group: str | int, vm: str | int, disc: str | int) -> Disc:
        path = f"{_discs_path(account, group, vm)}/{seg(disc)}"
        return self._transport.call("GET", path, Disc.from_json)

    def disc_create(
        self,
        account: str | int,
        group: str | int,
        vm: str | int,
        *,
        size: int,
        storage_grade: str = "sata",
        label: str | None = None,
    ) -> Disc:
        """Add a disc of ``size`` MiB.

        With ``label=None`` this makes **two** requests, like BC: a GET of the VM
        (``view=overview``) to compute the next free ``disc-N`` label, then the POST.
        The label is chosen client-side because the brain refuses device-like labels and
        has no "next label" rule of its own; two concurrent creates may pick the same label
        and the second then fails with a 400 rather than creating a duplicate.
        """
        if label is None:
            path = vm_path(account, group, vm)
            params = view_params(overview=True, include_deleted=False)
            current = self._transport.call("GET", path, VirtualMachine.from_json, params=params)
            label = next_disc_label(disc.label for disc in current.discs)
        body = {"label": label, "storage_grade": storage_grade, "size": size}
        return self._transport.call(
            "POST", _discs_path(account, group, vm), Disc.from_json, body=body
        )

    def disc_resize(
        self, account: str | int, group: str | int, vm: str | int, disc: str | int, *, size: int
    ) -> Disc:
        """Grow to ``size`` MiB (absolute; shrinking is refused with 400, §9)."""
        path = f"{_discs_path(account, group, vm)}/{seg(disc)}"
        return self._transport.call("PUT", path, Disc.from_json, body={"size": size})

    def disc_move(
        self,
        account: str | int,
        group: str | int,
        vm: str | int,
        disc: str | int,
        *,
        to_vm_id: int,
    ) -> Disc:
        """Attach the disc to VM ``to_vm_id`` instead (BC's ``update disc --new-server``):
        both VMs powered off, never the first (boot) disc (§9). Sent once: had an earlier
        attempt landed, a retry would find no such disc here and report a 404 for a move
        that happened — the caller reads the disc's VM instead (§13, C72)."""
        path = f"{_discs_path(account, group, vm)}/{seg(disc)}"
        body = {"virtual_machine_id": to_vm_id}
        return self._transport.call("PUT", path, Disc.from_json, body=body, retry=False)

    def disc_delete(
        self, account: str | int, group: str | int, vm: str | int, disc: str | int
    ) -> None:
        # purge=true is mandatory: without it the brain answers 500 (documented quirk, §9).
        path = f"{_discs_path(account, group, vm)}/{seg(disc)}"
        self._transport.request("DELETE", path, params=[("purge", "true")])
