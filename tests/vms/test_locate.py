"""Links that outlive renames and moves: a VM by its id, and an old name-based address that
leads on to where the VM is now — only for people who can see it there."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from panel.credentials.clients import client_for
from panel.operations.models import Operation
from tests.vms.helpers import HTMX, vm_id_of, vm_url


def test_a_vm_by_its_id_opens_its_page(demo_client: Any, sim: Any) -> None:
    response = demo_client.get(reverse("vms:by_id", args=[vm_id_of(sim, "db1")]))

    assert response.status_code == 302
    assert response["Location"] == vm_url("db1", group="db")


def test_an_id_nobody_may_see_is_not_found(viewer_client: Any, sim: Any) -> None:
    # The viewer holds vm_console on web1 only.
    assert viewer_client.get(reverse("vms:by_id", args=[vm_id_of(sim, "db1")])).status_code == 404
    assert viewer_client.get(reverse("vms:by_id", args=[999999])).status_code == 404
    assert viewer_client.get(reverse("vms:by_id", args=[vm_id_of(sim, "web1")])).status_code == 302


def test_the_old_address_of_a_renamed_vm_leads_to_the_new_one(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    renamed = demo_client.post(vm_url("web1", "rename"), {"vm_id": vm_id, "name": "front1"}, **HTMX)
    assert renamed.status_code == 200

    response = demo_client.get(vm_url("web1"))

    assert response.status_code == 302
    assert response["Location"] == vm_url("front1")


def test_the_old_address_of_a_moved_vm_leads_to_its_new_group(
    demo_client: Any, demo_user: Any, sim: Any
) -> None:
    vm_id = vm_id_of(sim, "web3")
    now = timezone.now()
    Operation.objects.create(  # what the panel remembers of the move it made
        kind="move",
        status="succeeded",
        actor=demo_user,
        actor_username=demo_user.username,
        account="demo",
        group="web",
        vm_name="web3",
        vm_id=vm_id,
        target_key=f"vm:{vm_id}",
        created_at=now,
        updated_at=now,
        finished_at=now,
    )
    with client_for(demo_user) as client:
        db = client.group("demo", "db")
        client.vm_stop("demo", "web", "web3")
        client.vm_move("demo", "web", "web3", group_id=db.id)

    response = demo_client.get(vm_url("web3"))

    assert response.status_code == 302
    assert response["Location"] == vm_url("web3", group="db")


def test_an_address_that_never_was_is_still_not_found(demo_client: Any, sim: Any) -> None:
    assert demo_client.get(vm_url("never-was")).status_code == 404
