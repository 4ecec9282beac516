"""The forms of the two-VM changes (swap addresses, move a disc), of a move into another
account and of deleting a group with everything in it, over HTTP against the simulator:
form → plan from both VMs' live state → start → the operation's page. No worker runs here:
what a started operation claims is checked on its rows (tests/operations runs them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from panel.operations.models import Batch, Operation
from panel.operations.status import OperationStatus
from tests.credentials.helpers import connect_key, make_user
from tests.vm_changes.test_views_forms import confirm_fields, page, post_pairs, url
from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    sim_call,
    start_busy_operation,
    vm_id_of,
)


def _connected(name: str, key: str) -> Client:
    person = make_user(name)
    connect_key(person, key)
    c = Client()
    c.force_login(person)
    return c


@pytest.fixture
def client(db: Any, sim: Any) -> Client:
    return _connected("olga", "apikey.demo-key")


def _plan_then_start(client: Client, target: str, data: dict[str, Any]) -> Any:
    planned = client.post(target, {"action": "plan", "grace_seconds": 60, **data})
    assert planned.status_code == 200, page(planned)
    assert "The plan" in page(planned)
    return planned, post_pairs(client, target, [*confirm_fields(planned), ("action", "start")])


def test_swap_form_offers_the_accounts_other_vms(client: Client, sim: Any) -> None:
    clear_requests(sim)
    form = page(client.get(url("ip_swap")))
    assert brain_requests(sim) == []  # the choices come from the person's kept scope
    assert 'value="db/db2"' in form and 'value="web/web1"' not in form
    assert 'value="default/staging"' not in form  # deleted VMs are not offered


def test_swap_plan_and_start(client: Client, sim: Any) -> None:
    planned, started = _plan_then_start(client, url("ip_swap"), {"partner": "db/db2"})
    text = page(planned)
    assert "web1 is running and db2 is powered off" in text
    assert "web1: ACPI shutdown" in text and "swap the primary addresses of web1 and db2" in text
    assert "configure their operating systems for the new addresses" in text
    assert started.status_code == 302
    op = Operation.objects.get(kind="ip_swap", params__held_by__isnull=True)
    assert started["Location"] == reverse("operations:detail", args=[op.pk])
    assert (op.vm_id, op.params["partner"]["name"]) == (vm_id_of(sim, "web1"), "db2")
    # db2 is held by it: "busy" for anything else, and the hold ends with the operation.
    hold = Operation.objects.get(params__held_by=str(op.pk))
    assert (hold.vm_id, hold.status, hold.enqueued_at) == (vm_id_of(sim, "db2"), "running", None)
    busy = client.post(
        reverse("vms:start", args=["demo", "db", "db2"]), {"vm_id": hold.vm_id}, **HTMX
    )
    assert busy.status_code == 409 and "swapping the addresses of db2" in page(busy)


def test_swap_refused_while_the_other_vm_is_busy(client: Client, sim: Any) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="olga")
    start_busy_operation(user, "web2")
    _planned, started = _plan_then_start(client, url("ip_swap"), {"partner": "web/web2"})
    assert started.status_code == 409 and "busy" in page(started)
    # Neither VM was claimed: the failed start left no operation on web1 and no hold.
    assert not Operation.objects.filter(kind="ip_swap").exists()


def test_swap_needs_a_choice_and_a_different_vm(client: Client, sim: Any) -> None:
    clear_requests(sim)
    missing = client.post(url("ip_swap"), {"action": "plan", "grace_seconds": 60})
    assert missing.status_code == 400 and brain_requests(sim) == []
    forged = client.post(
        url("ip_swap"), {"action": "plan", "grace_seconds": 60, "partner": "web/web1"}
    )
    assert forged.status_code == 400  # not among the choices


def test_a_group_admin_cannot_swap_with_a_vm_outside_their_group(db: Any, sim: Any) -> None:
    carol = _connected("carla", "apikey.webadmin-key")  # group_admin on demo/web only
    form = page(carol.get(url("ip_swap")))
    assert 'value="web/web2"' in form and 'value="db/db2"' not in form


def test_disc_move_plan_and_start(client: Client, sim: Any) -> None:
    with sim.world.lock:
        disc = sim.world.vm_discs_of(sim.world.vms[vm_id_of(sim, "web1")])[1]
    target = reverse("vm_changes:disc_move", args=["demo", "web", "web1", disc.id])
    # db2 already has a disc-2: BigV would refuse, the plan says so first.
    refused = client.post(target, {"action": "plan", "grace_seconds": 60, "partner": "db/db2"})
    assert refused.status_code == 409 and "already has a disc labelled disc-2" in page(refused)
    planned, started = _plan_then_start(client, target, {"partner": "default/builder"})
    assert "move disc disc-2 (50 GiB) from web1 to builder" in page(planned)
    assert started.status_code == 302
    op = Operation.objects.get(kind="disc_move", params__held_by__isnull=True)
    assert op.params["disc_id"] == disc.id
    assert Operation.objects.filter(params__held_by=str(op.pk), vm_name="builder").exists()


def test_the_boot_disc_is_not_moved(client: Client, sim: Any) -> None:
    with sim.world.lock:
        boot = sim.world.vm_discs_of(sim.world.vms[vm_id_of(sim, "web1")])[0]
    target = reverse("vm_changes:disc_move", args=["demo", "web", "web1", boot.id])
    response = client.post(target, {"action": "plan", "grace_seconds": 60, "partner": "db/db2"})
    assert response.status_code == 409 and "boot disc" in page(response)


def test_move_into_another_account_is_offered_where_the_person_administers(
    db: Any, sim: Any
) -> None:
    sim_call(sim, "POST", "/users", {
        "username": "twoaccounts", "password": "pw-two", "api_key": "two-accounts-key",
        "privileges": [{"level": "account_admin", "account": "demo"},
                       {"level": "account_admin", "account": "other"}],
    })  # fmt: skip
    both = _connected("tess", "apikey.two-accounts-key")
    form = page(both.get(url("move")))
    assert 'value="other/default"' in form and "default (account other)" in form
    planned, started = _plan_then_start(both, url("move"), {"target_group": "other/default"})
    assert "move to group other/default" in page(planned)
    assert "leaves account demo" in page(planned)
    assert started.status_code == 302
    op = Operation.objects.get(kind="move")
    assert (op.params["target_account"], op.summary) == ("other", "Move to group other/default")
    # Someone who administers only demo is not offered the other account at all.
    only_demo = page(_connected("olivia", "apikey.demo-key").get(url("move")))
    assert 'value="other/default"' not in only_demo


def test_group_teardown_page_and_batch(client: Client, sim: Any) -> None:
    target = reverse("vm_changes:group_teardown", args=["demo", "db"])
    shown = page(client.get(target))
    assert all(name in shown for name in ("db1", "db2", "db-replica"))
    assert "Purge 3 VMs and delete db" in shown
    clear_requests(sim)
    wrong = client.post(target, {"confirm_name": "web"})
    assert wrong.status_code == 400 and "Type db exactly" in page(wrong)
    assert [r["method"] for r in brain_requests(sim)] == ["GET"]  # the group read, no write
    done = client.post(target, {"confirm_name": "db"})
    batch = Batch.objects.get()
    assert done["Location"] == reverse("operations:batch", args=[batch.pk])
    ops = list(Operation.objects.filter(batch=batch).order_by("created_at"))
    assert [o.kind for o in ops] == ["purge", "purge", "purge", "group_delete"]
    assert ops[-1].target_key == f"group:{batch.params['group_id']}"
    assert all(o.status == OperationStatus.PENDING for o in ops)


def test_group_teardown_needs_account_admin(db: Any, sim: Any) -> None:
    carol = _connected("carla", "apikey.webadmin-key")  # group_admin on demo/web
    target = reverse("vm_changes:group_teardown", args=["demo", "web"])
    assert carol.get(target).status_code == 403
    assert carol.post(target, {"confirm_name": "web"}).status_code == 403
    assert not Batch.objects.exists()
