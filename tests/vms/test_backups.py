"""A disc's backups on the VM page: the lazy panel, back up now, delete, schedules in words;
offered and allowed only to people whose BigV level allows changing the VM (vm_admin);
every write audited against the VM (before any call, a refusal is audited as denied)."""

from __future__ import annotations

from typing import Any

import pytest

from panel.audit import Action
from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    disc_ids,
    entries,
    last_entry,
    text,
    vm_id_of,
    vm_url,
)


def _disc(sim: Any, name: str = "web1", index: int = 0) -> Any:
    world = sim.world
    with world.lock:
        return world.vm_discs_of(world.vms[vm_id_of(sim, name)])[index]


def _backups(sim: Any, disc_id: int) -> list[Any]:
    with sim.world.lock:
        return list(sim.world.disc_backups_of(sim.world.discs[disc_id]))


def test_the_page_loads_each_discs_backups_lazily(demo_client: Any, sim: Any) -> None:
    page = demo_client.get(vm_url("web1", "lower"), **HTMX)
    assert page.status_code == 200
    for disc in disc_ids(sim, "web1"):
        url = vm_url("web1", "backups", disc=disc)
        assert f'hx-get="{url}?vm_id=' in page.content.decode()


def test_the_panel_shows_backups_schedules_and_actions(demo_client: Any, sim: Any) -> None:
    disc = _disc(sim)
    clear_requests(sim)
    body = demo_client.get(vm_url("web1", "backups", disc=disc.id), **HTMX)
    assert body.status_code == 200
    words = text(body)
    assert "Weekly from" in words and "keeping 1" in words
    [seeded] = _backups(sim, disc.id)
    assert seeded.label in words and "ready" in words and "automatic" in words
    assert "Back up now" in words and "Restore…" in words and "Add schedule" in words
    assert len(brain_requests(sim)) == 2  # the VM (its discs' schedules) and the backups


def test_read_only_people_see_backups_without_actions(viewer_client: Any, sim: Any) -> None:
    disc = _disc(sim)
    body = viewer_client.get(vm_url("web1", "backups", disc=disc.id), **HTMX)
    assert body.status_code == 200
    words = text(body)
    assert "Weekly from" in words
    assert "Back up now" not in words and "Restore" not in words and "Delete" not in words


def test_back_up_now_then_the_panel_reads_again(demo_client: Any, sim: Any) -> None:
    disc = _disc(sim, "web2")
    vm_id = vm_id_of(sim, "web2")
    url = vm_url("web2", "backup_create", disc=disc.id)
    response = demo_client.post(url, {"vm_id": vm_id, "shown_label": "disc-1"}, **HTMX)
    assert response.status_code == 200
    [backup] = _backups(sim, disc.id)
    assert f"Backing up disc disc-1: {backup.label}." in text(response)
    assert 'hx-trigger="load"' in response.content.decode()  # the body is read again
    entry = last_entry(Action.BACKUP_CREATE)
    assert entry.outcome == "succeeded" and entry.target_id == str(vm_id)
    assert entry.params["disc"] == "disc-1" and entry.after["label"] == backup.label
    panel = demo_client.get(vm_url("web2", "backups", disc=disc.id), **HTMX)
    assert "in progress" in text(panel) and 'hx-trigger="every 2s"' in panel.content.decode()


def test_delete_a_backup_asks_first_without_javascript(demo_client: Any, sim: Any) -> None:
    disc = _disc(sim)
    [backup] = _backups(sim, disc.id)
    url = vm_url("web1", "backup_delete", disc=disc.id, backup=backup.id)
    question = demo_client.get(url, {"shown_label": backup.label})
    assert question.status_code == 200 and "cannot be brought back" in text(question)
    assert _backups(sim, disc.id)  # a GET changes nothing
    done = demo_client.post(url, {"vm_id": vm_id_of(sim, "web1"), "shown_label": backup.label})
    assert done.status_code == 302
    assert _backups(sim, disc.id) == []
    assert last_entry(Action.BACKUP_DELETE).params["purge"] is True


def test_add_a_schedule_in_words_and_remove_it(demo_client: Any, sim: Any) -> None:
    disc = _disc(sim, "web2")
    vm_id = vm_id_of(sim, "web2")
    form = {
        "vm_id": vm_id,
        "frequency": "custom",
        "every_hours": "12",
        "start_date": "2030-01-02",
        "start_time": "03:30",
        "keep": "4",
    }
    response = demo_client.post(
        vm_url("web2", "backup_schedule_create", disc=disc.id), form, **HTMX
    )
    assert response.status_code == 200, text(response)
    assert "Backups every 12 hours from now on." in text(response)
    with sim.world.lock:
        [schedule] = sim.world.discs[disc.id].backup_schedules
    assert schedule["interval_seconds"] == 12 * 3600 and schedule["capacity"] == 4
    assert schedule["start_at"] == "2030-01-02T03:30:00+00:00"
    assert last_entry(Action.BACKUP_SCHEDULE_CREATE).params["start_at"] == "2030-01-02 03:30:00 UTC"

    url = vm_url("web2", "backup_schedule_delete", disc=disc.id, schedule=schedule["id"])
    gone = demo_client.post(url, {"vm_id": vm_id}, **HTMX)
    assert gone.status_code == 200 and "its backups are kept" in text(gone)
    with sim.world.lock:
        assert sim.world.discs[disc.id].backup_schedules == []
    assert last_entry(Action.BACKUP_SCHEDULE_DELETE).before["interval_seconds"] == 12 * 3600


def test_a_schedule_form_is_checked_before_any_call(demo_client: Any, sim: Any) -> None:
    disc = _disc(sim, "web2")
    clear_requests(sim)
    form = {"frequency": "custom", "start_date": "2030-01-02", "start_time": "00:00", "keep": "0"}
    response = demo_client.post(
        vm_url("web2", "backup_schedule_create", disc=disc.id), form, **HTMX
    )
    assert response.status_code == 400
    assert "Say every how many hours." in text(response)
    assert brain_requests(sim) == []


def test_bigv_refusals_are_shown_in_words(demo_client: Any, sim: Any) -> None:
    """Deleting a backup that is still being taken: BigV's 400, beside the panel."""
    disc = _disc(sim, "web2")
    demo_client.post(vm_url("web2", "backup_create", disc=disc.id), {}, **HTMX)
    [backup] = _backups(sim, disc.id)
    url = vm_url("web2", "backup_delete", disc=disc.id, backup=backup.id)
    response = demo_client.post(url, {"vm_id": vm_id_of(sim, "web2")}, **HTMX)
    assert response.status_code == 400
    assert "still being taken" in text(response)
    assert response["HX-Retarget"] == f"#disc-{disc.id}-backups-errors"
    assert last_entry(Action.BACKUP_DELETE).outcome == "refused"


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("backup_create", {}),
        ("backup_delete", {"backup": 0}),
        ("backup_schedule_delete", {"schedule": 1}),
    ],
)
def test_refused_before_any_call_without_vm_admin(
    viewer_client: Any, sim: Any, action: str, extra: dict[str, Any]
) -> None:
    disc = _disc(sim)
    if "backup" in extra:
        extra = {"backup": _backups(sim, disc.id)[0].id}
    clear_requests(sim)
    url = vm_url("web1", action, disc=disc.id, **extra)
    response = viewer_client.post(url, {"vm_id": vm_id_of(sim, "web1")}, **HTMX)
    assert response.status_code == 403
    writes = [r for r in brain_requests(sim) if r["method"] != "GET"]
    assert writes == []
    assert entries(_action(action))[-1].outcome == "denied"


def _action(view: str) -> str:
    return {
        "backup_create": Action.BACKUP_CREATE,
        "backup_delete": Action.BACKUP_DELETE,
        "backup_schedule_delete": Action.BACKUP_SCHEDULE_DELETE,
    }[view]
