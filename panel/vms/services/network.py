"""Reverse DNS of one of the VM's addresses (``PUT /ips/{ip}``, docs/bigv-api.md §7.6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from panel.audit import Action
from panel.bigv import BigVClient, Ip
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._common import audited


def ip_set_rdns(
    *,
    actor: Actor,
    client: BigVClient,
    ref: VmRef,
    address: str,
    rdns: str,
    before: Mapping[str, Any] | None = None,
) -> Ip:
    """Audited against the VM that holds the address (the page it was changed from)."""
    return audited(
        actor=actor,
        action=Action.IP_RDNS,
        client=client,
        ref=ref,
        call=lambda: client.ip_set_rdns(address, rdns),
        params={"address": address, "rdns": rdns},
        before=before,
        after=lambda ip: {"rdns": ip.rdns},
    )
