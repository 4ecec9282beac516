"""Services refuse what must never reach BigV even when a caller skips the form."""

from __future__ import annotations

from typing import Any

import pytest

from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.vms import services
from panel.vms.refs import VmRef
from tests.vms.helpers import brain_requests, clear_requests

REF = VmRef(account="demo", group="default", vm="staging")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: services.vm_purge(actor=Actor.system(), client=c, ref=REF, confirm_name="x"),
        lambda c: services.vm_set_cdrom(
            actor=Actor.system(), client=c, ref=REF, url="javascript:alert(1)"
        ),
        lambda c: services.disc_resize(
            actor=Actor.system(), client=c, ref=REF, disc_id=1, size=100, current_size=100
        ),
        lambda c: services.disc_create(
            actor=Actor.system(), client=c, ref=REF, size=0, storage_grade="sata"
        ),
        lambda c: services.vm_sendkey(actor=Actor.system(), client=c, ref=REF, keys="ctrl--x"),
    ],
)
def test_guards_raise_before_any_call(call: Any, demo_user: Any, sim: Any) -> None:
    clear_requests(sim)
    with client_for(demo_user) as client, pytest.raises(ValueError):
        call(client)
    assert brain_requests(sim) == []


def test_purge_returns_what_happened(demo_user: Any, sim: Any) -> None:
    with client_for(demo_user) as client:
        gone = services.vm_purge(
            actor=Actor.system(), client=client, ref=REF, confirm_name="staging"
        )
    assert gone == services.VmGone(ref=REF, purged=True)
