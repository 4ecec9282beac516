"""The per-VM plan of a bulk change, against the real simulator: every selected VM's state now
and after, warnings in words, the VMs left alone and why; Start runs only what was reviewed."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from panel.operations.models import Batch, Operation
from tests.credentials.helpers import connect_key, make_user
from tests.vms.helpers import brain_requests, clear_requests, sim_patch, vm_id_of

URL = "vm_changes:batch_new"


@pytest.fixture
def user(db: Any, sim: Any) -> Any:
    person = make_user("olga")
    connect_key(person, "apikey.demo-key")
    return person


@pytest.fixture
def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _data(kind: str, *vms: str, **extra: str) -> dict[str, Any]:
    return {
        "vm": list(vms),
        "kind": kind,
        "grace_seconds": "30",
        "concurrency": "2",
        "stop_after_failures": "0",
        **extra,
    }


def _text(response: Any) -> str:
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    return text.replace(" :", ":").replace(" .", ".")


def _reviewed(response: Any) -> list[str]:
    return re.findall(r'name="reviewed" value="([^"]+)"', response.content.decode())


def test_each_vm_reads_now_and_after_with_a_shrink_warning(client, sim):
    clear_requests(sim)
    data = _data(
        "spec_change", "demo/web/web1", "demo/db/db1", "demo/db/db2", cores="2", memory="4"
    )

    review = client.post(reverse(URL), {**data, "action": "review"})

    assert review.status_code == 200
    text = _text(review)
    assert "db1 demo/db running, 4 cores, 8 GiB, virtio2013 running, 2 cores, 4 GiB" in text
    assert "Shrinks: cores 4→2, memory 8 GiB→4 GiB." in text
    assert "restarts: ACPI shutdown (up to 30 s, then hard off)" in text
    assert "db2 demo/db powered off, 4 cores, 8 GiB" in text and "stays off" in text
    assert "2 VMs with a warning below" in text
    assert sorted(key.split("=")[0] for key in _reviewed(review)) == [
        "demo/db/db1",
        "demo/db/db2",
        "demo/web/web1",
    ]
    # One listing per group, not one read per VM; and nothing changed.
    reads = [r for r in brain_requests(sim) if r["method"] == "GET"]
    assert len(reads) == 2, reads
    assert not [r for r in brain_requests(sim) if r["method"] != "GET"]
    assert not Operation.objects.exists()


def test_vms_left_alone_are_listed_with_the_reason(client, user, sim):
    web2 = vm_id_of(sim, "web2")
    now = timezone.now()
    busy = Operation.objects.create(
        kind="move",
        status="running",
        actor=user,
        actor_username="pete",
        account="demo",
        group="web",
        vm_name="web2",
        vm_id=web2,
        target_key=f"vm:{web2}",
        plan=[{"name": "move", "label": "move to group db"}],
        created_at=now,
        updated_at=now,
    )
    data = _data("power_on", "demo/web/web1", "demo/web/web2", "demo/db/db2", "demo/web/gone")

    review = client.post(reverse(URL), {**data, "action": "review"})

    text = _text(review)
    assert "Left alone (3)" in text
    assert "web1 in demo/web: Nothing to do: web1 is already running." in text
    assert "web2 in demo/web: busy: pete is moving web2" in text
    assert "gone in demo/web: Not found, or not visible to your BigV user." in text
    assert [key.split("=")[0] for key in _reviewed(review)] == ["demo/db/db2"]
    assert busy.status == "running"


def test_a_vm_that_changed_after_the_review_is_left_alone(client, sim):
    data = _data("spec_change", "demo/web/web1", "demo/web/web2", cores="3")
    review = client.post(reverse(URL), {**data, "action": "review"})
    sim_patch(sim, vm_id_of(sim, "web2"), cores=3)  # someone else changed it meanwhile

    started = client.post(reverse(URL), {**data, "reviewed": _reviewed(review), "action": "start"})

    assert started.status_code == 302
    batch = Batch.objects.get()
    assert [op.vm_name for op in Operation.objects.all()] == ["web1"]
    # Planned again at Start, it needs nothing any more: left alone, and said so.
    assert batch.skipped == [{"vm": "web2 in demo/web", "reason": "web2 already has that spec."}]


def test_start_plans_every_vm_from_one_listing_per_group(client, sim):
    data = _data(
        "spec_change", "demo/web/web1", "demo/web/web2", "demo/db/db1", "demo/db/db2", cores="3"
    )
    review = client.post(reverse(URL), {**data, "action": "review"})
    clear_requests(sim)

    started = client.post(reverse(URL), {**data, "reviewed": _reviewed(review), "action": "start"})

    assert started.status_code == 302
    assert sorted(op.vm_name for op in Operation.objects.all()) == ["db1", "db2", "web1", "web2"]
    # No worker runs here: every read is the planning's own, one listing of each group.
    reads = [r["path"] for r in brain_requests(sim) if r["method"] == "GET"]
    listings = [
        "/accounts/demo/groups/db/virtual_machines",
        "/accounts/demo/groups/web/virtual_machines",
    ]
    assert sorted(reads) == listings, reads


def test_a_vm_whose_plan_differs_from_the_reviewed_one_is_not_started(client, sim):
    data = _data("spec_change", "demo/web/web1", "demo/web/web2", cores="3")
    review = client.post(reverse(URL), {**data, "action": "review"})
    sim_patch(sim, vm_id_of(sim, "web2"), power_on=False)  # same spec, another plan now

    client.post(reverse(URL), {**data, "reviewed": _reviewed(review), "action": "start"})

    assert [op.vm_name for op in Operation.objects.all()] == ["web1"]
    assert Batch.objects.get().skipped == [
        {
            "vm": "web2 in demo/web",
            "reason": "web2 changed since you reviewed the plan; left alone.",
        }
    ]


def test_start_without_a_review_starts_nothing(client, sim):
    data = _data("graceful_restart", "demo/web/web1")

    response = client.post(reverse(URL), {**data, "action": "start"})

    assert response.status_code == 400
    assert "Nothing was started: review the plan of each VM" in _text(response)
    assert not Operation.objects.exists()


def test_a_hard_power_off_of_running_vms_must_be_typed_to_confirm(client, sim):
    data = _data("power_off", "demo/web/web1", "demo/db/db2")
    review = client.post(reverse(URL), {**data, "action": "review"})
    text = _text(review)
    assert "1 running VM will lose power at once, without shutting down." in text
    assert 'class="btn btn-danger">Start on 1 VM' in review.content.decode()
    assert "db2 in demo/db: Nothing to do: db2 is already powered off." in text
    start = {**data, "reviewed": _reviewed(review), "destructive_count": "1", "action": "start"}

    refused = client.post(reverse(URL), {**start, "confirm_count": "yes"})
    assert refused.status_code == 400
    assert "Type 1 to confirm that 1 running VMs lose power." in _text(refused)
    assert not Operation.objects.exists()

    started = client.post(reverse(URL), {**start, "confirm_count": "1"})
    assert started.status_code == 302
    assert [op.kind for op in Operation.objects.all()] == ["power_off"]


def test_a_console_only_person_sees_why_each_vm_is_left_alone(db, sim):
    viewer = make_user("vera")
    connect_key(viewer, "apikey.viewer-key")
    client = Client()
    client.force_login(viewer)

    review = client.post(
        reverse(URL), {**_data("graceful_restart", "demo/web/web1"), "action": "review"}
    )

    assert "web1 in demo/web: Your BigV user may not" in _text(review)
    assert _reviewed(review) == []
    assert "Start on" not in _text(review)
