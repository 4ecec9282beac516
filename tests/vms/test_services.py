"""Services refuse what must never reach BigV even when a caller skips the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.vms import services
from panel.vms.refs import VmRef
from tests.operations.helpers import actor_for
from tests.vms.helpers import brain_requests, clear_requests, disc_ids, writes_after_read

REF = VmRef(account="demo", group="default", vm="staging")
WEB1 = VmRef(account="demo", group="web", vm="web1")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: services.vm_purge(actor=Actor.system(), client=c, ref=REF, confirm_name="x"),
        lambda c: services.vm_set_cdrom(
            actor=Actor.system(), client=c, ref=REF, url="javascript:alert(1)"
        ),
        lambda c: services.disc_resize(
            actor=Actor.system(), client=c, ref=REF, disc_id=1, size=2048 * 1024 + 1
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
            actor=actor_for(demo_user), client=client, ref=REF, confirm_name="staging"
        )
    assert gone == services.VmGone(ref=REF, purged=True)


def test_grow_only_is_checked_against_bigv_before_the_write(demo_user: Any, sim: Any) -> None:
    disc_id = disc_ids(sim, "web1")[0]  # 25 GiB
    clear_requests(sim)
    with client_for(demo_user) as client, pytest.raises(ValidationError) as refused:
        services.disc_resize(
            actor=actor_for(demo_user), client=client, ref=WEB1, disc_id=disc_id, size=25600
        )
    assert refused.value.message_dict == {
        "size_gib": ["Discs can only grow: this one is 25 GiB now."]
    }
    assert writes_after_read(sim, "web1") == []
