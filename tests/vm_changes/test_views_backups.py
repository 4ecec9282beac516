"""The forms around backups, over HTTP against the simulator: restoring a backup (the warning,
"I understand", the plan, the start), reimage's typed confirmation and its backup first, and
the create form's new options (backups per disc, an ISO instead of an image, powered off, a
locked profile, disc labels, the addresses) — checked before any API call, then planned."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from panel.operations.models import Operation
from tests.credentials.helpers import connect_key, make_user
from tests.vm_changes.backup_helpers import finished_backup
from tests.vm_changes.test_views_create import create_data
from tests.vm_changes.test_views_forms import PASSWORD, confirm_fields, page, post_pairs, url
from tests.vms.helpers import brain_requests, clear_requests

CREATE = "vm_changes:create_vm"


@pytest.fixture
def client(db: Any, sim: Any) -> Client:
    person = make_user("olga")
    connect_key(person, "apikey.demo-key")
    c = Client()
    c.force_login(person)
    return c


def restore_url(disc: int, backup: int, vm: str = "web1", group: str = "web") -> str:
    return reverse("vm_changes:restore", args=["demo", group, vm, disc, backup])


# --- restore ---------------------------------------------------------------------------------


def test_restore_needs_the_person_to_say_they_understand(client, sim):
    disc, backup = finished_backup(sim, "web1")
    form = client.get(restore_url(disc, backup))
    assert form.status_code == 200
    assert "replaces everything on the disc" in page(form)
    clear_requests(sim)
    refused = client.post(restore_url(disc, backup), {"grace_seconds": "60"})
    assert refused.status_code == 400
    assert "the disc's current data is replaced" in page(refused)
    assert brain_requests(sim) == []


def test_restore_plan_then_start(client, sim):
    disc, backup = finished_backup(sim, "web1")
    target = restore_url(disc, backup)
    plan = client.post(target, {"grace_seconds": "60", "understood": "on", "action": "plan"})
    assert plan.status_code == 200, page(plan)
    text = page(plan)
    assert f"restore backup-{backup} onto disc disc-1: BigV backs the disc up first" in text
    assert "power on again (it was on)" in text
    assert "is replaced by backup-" in text and "not the disc's data" in text
    assert "put back as it was" not in text
    assert 'value="start" class="btn btn-danger"' in plan.content.decode()
    started = post_pairs(client, target, [*confirm_fields(plan), ("action", "start")])
    assert started.status_code == 302
    op = Operation.objects.get()
    assert op.kind == "restore_backup" and op.params["backup_id"] == backup


def test_restore_of_a_backup_in_progress_is_refused_in_words(client, sim):
    from tests.vm_changes.backup_helpers import disc_of

    disc = disc_of(sim, "web2")
    with sim.world.lock:
        from panel.simulator import backups

        backup = backups.take(sim.world, sim.world.discs[disc.id])
    response = client.post(
        restore_url(disc.id, backup.id, vm="web2"), {"grace_seconds": "60", "understood": "on"}
    )
    assert response.status_code == 409
    assert "still being taken" in page(response)


# --- reimage ---------------------------------------------------------------------------------


REIMAGE = {"distribution": "bookworm", "root_password": PASSWORD, "grace_seconds": "60"}


def test_reimage_form_says_the_disc_is_erased_and_offers_a_backup_first(client):
    form = page(client.get(url("reimage")))
    assert "Reimaging erases the main disc of web1" in form
    assert "Type web1 to confirm" in form
    assert 'id="id_backup_first" checked' in form


@pytest.mark.parametrize("typed", ["", "web2", "WEB1", "web1 "[:-1] + "x"])
def test_reimage_needs_the_vm_name_typed(client, sim, typed):
    clear_requests(sim)
    response = client.post(url("reimage"), {**REIMAGE, "confirm_name": typed})
    assert response.status_code == 400
    assert brain_requests(sim) == []


def test_reimage_plan_is_destructive_and_promises_the_power_state_only(client, sim):
    plan = client.post(url("reimage"), {**REIMAGE, "confirm_name": "web1", "backup_first": "on"})
    assert plan.status_code == 200, page(plan)
    text = page(plan)
    assert "Everything on web1's main disc, disc-1, is erased." in text
    assert "A backup of disc-1 is taken first and stored before anything is erased." in text
    assert "take a backup of disc disc-1" in text
    assert "put back in its power state — but not its data" in text
    assert "put back as it was" not in text
    assert 'value="start" class="btn btn-danger"' in plan.content.decode()


def test_reimage_without_a_backup_says_so(client):
    plan = client.post(url("reimage"), {**REIMAGE, "confirm_name": "web1"})
    text = page(plan)
    assert "No backup of disc-1 is taken first" in text
    assert "take a backup" not in text


# --- create ----------------------------------------------------------------------------------


def test_create_form_offers_the_cli_options(client):
    text = client.get(reverse(CREATE, args=["demo"]) + "?group=web").content.decode()
    for name in ("cdrom_url", "powered_off", "hardware_profile_locked", "ipv4", "ipv6"):
        assert f'name="{name}"' in text
    assert 'name="discs-0-label"' in text
    assert '<option value="weekly" selected>Weekly</option>' in text  # as the CLI
    assert '<option value="never">No backups</option>' in text


def _plan(client: Client, **overrides: Any) -> Any:
    return client.post(reverse(CREATE, args=["demo"]), create_data(**overrides))


def test_create_from_an_iso_powered_off_with_labels_schedules_and_addresses(client, sim):
    plan = _plan(
        client,
        boot="iso",
        distribution="",
        root_password="",
        cdrom_url="https://example.com/netinst.iso",
        powered_off="on",
        hardware_profile_locked="on",
        ipv4="192.0.2.231",
        **{
            "discs-TOTAL_FORMS": "2",
            "discs-0-label": "system",
            "discs-0-backups": "daily",
            "discs-1-storage_grade": "ssd",
            "discs-1-size": "10",
            "discs-1-label": "data",
            "discs-1-backups": "never",
        },
    )
    assert plan.status_code == 200, page(plan)
    text = page(plan)
    assert (
        "system sata 25 GiB (backups daily from" in text and "data ssd 10 GiB (no backups)" in text
    )
    assert "no image, CD-ROM https://example.com/netinst.iso" in text
    assert "hardware profile locked" in text and "addresses 192.0.2.231" in text
    assert "left powered off" in text
    started = post_pairs(
        client, reverse(CREATE, args=["demo"]), [*confirm_fields(plan), ("action", "start")]
    )
    assert started.status_code == 302
    op = Operation.objects.get()
    params = op.params
    assert params["cdrom_url"] == "https://example.com/netinst.iso"
    assert params["autoreboot_on"] is False and params["hardware_profile_locked"] is True
    assert params["ips"] == {"ipv4": "192.0.2.231", "ipv6": ""}
    assert [d["label"] for d in params["discs"]] == ["system", "data"]
    [daily] = params["discs"][0]["backup_schedules"]
    assert daily["interval_seconds"] == 86400 and daily["capacity"] == 1
    assert daily["start_at"].endswith("00:00:00 UTC")
    assert "backup_schedules" not in params["discs"][1]
    assert not op.secret_params  # nothing to install: no password travels


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"boot": "iso", "cdrom_url": ""}, "Give the URL of the ISO to boot from."),
        (
            {"boot": "iso", "cdrom_url": "ftp://example.com/x.iso"},
            "Use an http:// or https:// URL.",
        ),
        ({"distribution": ""}, "Choose an image (or boot from a CD-ROM)."),
        ({"discs-0-label": "vdb"}, "looks like a device name"),
        ({"ipv4": "2001:db8::1"}, "Enter a valid IPv4 address."),
    ],
)
def test_create_options_are_checked_before_any_call(client, sim, overrides, message):
    clear_requests(sim)
    response = _plan(client, **overrides)
    assert response.status_code == 400
    assert message in page(response)
    assert brain_requests(sim) == []
