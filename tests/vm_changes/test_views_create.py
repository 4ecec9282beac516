"""The create-VM form (discs as a formset, "add a disc" with htmx) and the bulk form,
against the real simulator: validation before any API call, the plan, the start."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from panel.operations.models import Operation
from tests.credentials.helpers import connect_key, make_user
from tests.vm_changes.test_views_forms import PASSWORD, confirm_fields, page, post_pairs, url
from tests.vms.helpers import brain_requests, clear_requests

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client(db: Any, sim: Any) -> Client:
    person = make_user("olga")
    connect_key(person, "apikey.demo-key")
    c = Client()
    c.force_login(person)
    return c


# --- create VM -----------------------------------------------------------------------------


def create_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "newbox",
        "group": "web",
        "zone": "",
        "cores": "2",
        "memory": "2",
        "hardware_profile": "",
        "distribution": "bookworm",
        "root_password": PASSWORD,
        "ssh_public_key": "",
        "firstboot_script": "",
        "choice_group": ["default", "web", "db"],
        "discs-TOTAL_FORMS": "1",
        "discs-INITIAL_FORMS": "0",
        "discs-MIN_NUM_FORMS": "1",
        "discs-MAX_NUM_FORMS": "8",
        "discs-0-storage_grade": "sata",
        "discs-0-size": "25",
    }
    data.update(overrides)
    return data


def test_create_form_lists_groups_zones_profiles_images(client):
    response = client.get(reverse("vm_changes:create_vm", args=["demo"]) + "?group=web")
    text = response.content.decode()
    assert response.status_code == 200
    assert '<option value="web" selected>' in text
    assert 'name="discs-0-size"' in text and "Add a disc" in text
    assert 'name="root_password"' in text and 'type="password"' in text


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": "Bad_Name"}, "Use lowercase letters only"),
        ({"name": "-box"}, "not starting or ending with a hyphen"),
        ({"root_password": "", "ssh_public_key": ""}, "Give a root password or at least one SSH"),
        ({"discs-0-size": "0"}, "greater than or equal to 1"),
        ({"discs-0-storage_grade": "gold"}, "valid choice"),
        ({"discs-TOTAL_FORMS": "0"}, "Please submit at least 1 form"),
        ({"cores": "0"}, "greater than or equal to 1"),
    ],
)
def test_create_input_is_checked_before_any_api_call(client, sim, overrides, message):
    clear_requests(sim)
    response = client.post(reverse("vm_changes:create_vm", args=["demo"]), create_data(**overrides))
    assert response.status_code == 400
    assert message in page(response)
    assert brain_requests(sim) == []


def test_add_a_disc_with_htmx_returns_only_the_disc_rows(client, sim):
    clear_requests(sim)
    response = client.post(
        reverse("vm_changes:create_vm", args=["demo"]),
        create_data(add_disc="1", **{"discs-0-size": "40"}),
        **HTMX,
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert text.strip().startswith('<fieldset id="create-discs"')
    assert 'name="discs-0-size" value="40"' in text and 'name="discs-1-size"' in text
    assert 'name="discs-TOTAL_FORMS" value="2"' in text
    assert PASSWORD not in text and "errorlist" not in text
    assert brain_requests(sim) == []


def test_create_shows_the_plan_and_starts(client, sim):
    data = create_data(
        **{"discs-TOTAL_FORMS": "2", "discs-1-storage_grade": "ssd", "discs-1-size": "10"}
    )
    response = client.post(reverse("vm_changes:create_vm", args=["demo"]), data)
    assert response.status_code == 200, page(response)
    assert "newbox does not exist yet in demo/web → create newbox: 2 cores, 2 GiB" in page(response)
    assert PASSWORD not in page(response)

    started = post_pairs(
        client,
        reverse("vm_changes:create_vm", args=["demo"]),
        [*confirm_fields(response), ("action", "start")],
    )
    op = Operation.objects.get()
    assert started.status_code == 302
    assert op.kind == "create" and op.vm_name == "newbox"
    assert [d["size"] for d in op.params["discs"]] == [25600, 10240]


def test_create_refuses_a_taken_name_beside_the_form(client):
    response = client.post(reverse("vm_changes:create_vm", args=["demo"]), create_data(name="web2"))
    assert response.status_code == 409
    assert "There is already a VM called web2" in page(response)


# --- bulk ----------------------------------------------------------------------------------


def test_bulk_form_lists_the_selection_and_starts_a_batch(client, sim, celery_queue):
    selection = "?vm=demo/web/web1&vm=demo/web/web2&kind=graceful_restart"
    form = client.get(reverse("vm_changes:batch_new") + selection)
    assert "2 VMs selected" in page(form) and "web2" in page(form)

    data = {
        "vm": ["demo/web/web1", "demo/web/web2"],
        "kind": "graceful_restart",
        "grace_seconds": "30",
        "concurrency": "1",
        "stop_after_failures": "1",
    }
    review = client.post(reverse("vm_changes:batch_new"), {**data, "action": "review"})
    assert review.status_code == 200
    assert "Graceful restart (grace 30 s) on 2 VMs, 1 at a time, stop after 1 failure" in page(
        review
    )
    assert not Operation.objects.exists()

    reviewed = re.findall(r'name="reviewed" value="([^"]+)"', review.content.decode())
    assert len(reviewed) == 2
    started = client.post(
        reverse("vm_changes:batch_new"), {**data, "reviewed": reviewed, "action": "start"}
    )

    assert started.status_code == 302
    ops = Operation.objects.order_by("vm_name")
    assert [op.vm_name for op in ops] == ["web1", "web2"]
    assert ops[0].batch_id and started["Location"] == reverse(
        "operations:batch", args=[ops[0].batch_id]
    )


def test_bulk_form_validates_without_api_calls(client, sim):
    clear_requests(sim)
    data = {
        "vm": ["demo/web/web1", "bad"],
        "kind": "spec_change",
        "grace_seconds": "60",
        "concurrency": "0",
        "stop_after_failures": "1",
    }
    response = client.post(reverse("vm_changes:batch_new"), data)
    assert response.status_code == 400
    assert "Not a VM" in page(response)
    assert "greater than or equal to 1" in page(response)
    assert "Say what to change" in page(response)
    assert brain_requests(sim) == []


def test_forms_need_a_login(db):
    for target in (
        url("spec_change"),
        url("reimage"),
        reverse("vm_changes:create_vm", args=["demo"]),
    ):
        response = Client().get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
