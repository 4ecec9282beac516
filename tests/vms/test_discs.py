"""Add, grow and delete discs: the VM read, then one write each; the row(s) changed, audited
against the VM. The read is the audit's "before", the next free label and the grow-only check:
the discs as BigV has them, whatever the page showed."""

from __future__ import annotations

import re
from typing import Any

import pytest

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
    writes_after_read,
)


def _discs(sim: Any, name: str = "web1") -> list[Any]:
    world = sim.world
    with world.lock:
        return list(world.vm_discs_of(world.vms[vm_id_of(sim, name)]))


def _add(client: Any, data: dict[str, Any], **kw: Any) -> Any:
    # The page still sends the labels it showed (to redraw the form); the service ignores them.
    base = {"shown_labels": ["disc-1", "disc-2"], "storage_grade": "sata"}
    return client.post(vm_url("web1", "disc_create"), {**base, **data}, **kw)


def test_add_a_disc_appends_its_row(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    clear_requests(sim)

    response = _add(demo_client, {"vm_id": vm_id, "size_gib": "10", "storage_grade": "ssd"}, **HTMX)

    # Two calls: the label is the next free one of the discs BigV has, read first.
    [request] = writes_after_read(sim, "web1")
    assert (request["method"], request["path"]) == (
        "POST",
        "/accounts/demo/groups/web/virtual_machines/web1/discs",
    )
    new = _discs(sim)[-1]
    assert (new.label, new.size, new.storage_grade) == ("disc-3", 10240, "ssd")
    html = response.content.decode()
    # The swap target is the form itself, fresh and knowing the new label; the row comes
    # out of band inside a <template> (table rows cannot stand next to other elements).
    assert html.lstrip().startswith('<form id="disc-add-form"')
    assert 'name="shown_labels" value="disc-3"' in html
    assert '<template><tbody hx-swap-oob="beforeend:#disc-rows">' in html
    assert f'<tr id="disc-{new.id}">' in html and "10 GiB" in html
    assert 'id="disc-rows-empty"' not in html  # the table was not empty
    assert "Added disc disc-3 (10 GiB) to web1." in text(response)
    assert 'id="vm-history"' in html
    entry = last_entry("disc.create")
    assert entry.outcome == "succeeded" and entry.target_label == "web1 in demo/web"
    assert entry.api_status == 201  # what BigV answered, kept for successes too
    # The label sent to BigV (chosen from the VM as read), as before the change.
    assert entry.params == {"label": "disc-3", "size": 10240, "storage_grade": "ssd"}
    assert entry.before == {"discs": ["disc-1", "disc-2"]}
    assert entry.after == {"id": new.id, "label": "disc-3", "size": 10240, "grade": "ssd"}


def test_add_a_disc_with_a_label(demo_client: Any, sim: Any) -> None:
    _add(demo_client, {"size_gib": "1", "label": "data"}, **HTMX)

    assert _discs(sim)[-1].label == "data"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"size_gib": "0"}, "greater than or equal to 1"),
        ({"size_gib": "2049"}, "less than or equal to 2048"),
        ({"size_gib": "ten"}, "Enter a whole number."),
        ({"size_gib": "5", "label": "vdb"}, "looks like a device name"),
        ({"size_gib": "5", "label": "sda1"}, "looks like a device name"),
        ({"size_gib": "5", "label": "my disc"}, "Use letters, digits, dots"),
        ({"size_gib": "5", "storage_grade": "gold"}, "Select a valid choice"),
    ],
)
def test_invalid_new_discs_make_no_call(
    data: dict[str, str], message: str, demo_client: Any, sim: Any
) -> None:
    clear_requests(sim)

    response = _add(demo_client, data, **HTMX)

    assert brain_requests(sim) == []
    assert response["HX-Retarget"] == "#disc-add-form"
    assert message in text(response)
    if data.get("label"):
        assert f'value="{data["label"]}"' in response.content.decode()


def test_stale_page_still_gets_the_next_free_label(demo_client: Any, sim: Any) -> None:
    # The page was stale: disc-2 exists but the page did not show it. The label is chosen
    # from the discs as BigV has them, so it is disc-3, not a taken disc-2.
    response = _add(demo_client, {"size_gib": "5", "shown_labels": ["disc-1"]}, **HTMX)

    assert response.status_code == 200
    assert [d.label for d in _discs(sim)] == ["disc-1", "disc-2", "disc-3"]
    entry = last_entry("disc.create")
    assert entry.outcome == "succeeded" and entry.after["label"] == "disc-3"
    assert entry.before == {"discs": ["disc-1", "disc-2"]}


def test_refused_label_shows_beside_the_label(demo_client: Any, sim: Any) -> None:
    # A label chosen by the person that the VM already has: BigV refuses it.
    response = _add(demo_client, {"size_gib": "5", "label": "disc-2"}, **HTMX)

    assert response["HX-Retarget"] == "#disc-add-form"
    entry = last_entry("disc.create")
    assert (entry.outcome, entry.api_status) == ("refused", 400)
    html = response.content.decode()
    assert 'id="disc_new_label_error"' in html and "has already been taken" in html


def test_grow_a_disc_replaces_its_row(demo_client: Any, sim: Any) -> None:
    disc_id = disc_ids(sim, "web1")[0]
    clear_requests(sim)

    response = demo_client.post(
        vm_url("web1", "disc_resize", disc=disc_id),
        {"vm_id": vm_id_of(sim, "web1"), "size_gib": "40", "current_size": "25600"},
        **HTMX,
    )

    [request] = writes_after_read(sim, "web1")
    assert request["method"] == "PUT" and request["path"].endswith(f"/discs/{disc_id}")
    assert _discs(sim)[0].size == 40960
    html = response.content.decode()
    assert re.match(rf'\s*<template>\s*<tr id="disc-{disc_id}" hx-swap-oob="true">', html)
    assert "40 GiB" in html
    assert "is now 40 GiB" in text(response)
    entry = last_entry("disc.resize")
    assert entry.before == {"size": 25600} and entry.after == {"size": 40960}  # BigV's sizes
    assert entry.params == {"disc_id": disc_id, "size": 40960}


@pytest.mark.parametrize("size_gib", ["25", "10"])
def test_grow_only_is_checked_before_any_call(size_gib: str, demo_client: Any, sim: Any) -> None:
    disc_id = disc_ids(sim, "web1")[0]
    clear_requests(sim)

    response = demo_client.post(
        vm_url("web1", "disc_resize", disc=disc_id),
        {"size_gib": size_gib, "current_size": "25600", "shown_label": "disc-1"},
        **HTMX,
    )

    assert brain_requests(sim) == []
    assert response["HX-Retarget"] == f"#disc-{disc_id}-resize-form"
    assert "Discs can only grow: enter more than 25 GiB." in text(response)
    assert f'value="{size_gib}"' in response.content.decode()


def test_tampered_current_size_cannot_shrink_a_disc(demo_client: Any, sim: Any) -> None:
    # A tampered current size gets past the form; the service checks grow-only against the
    # disc as BigV has it (25 GiB) and refuses before any write, beside the size.
    disc_id = disc_ids(sim, "web1")[0]
    clear_requests(sim)

    response = demo_client.post(
        vm_url("web1", "disc_resize", disc=disc_id),
        {"size_gib": "10", "current_size": "1024"},
        **HTMX,
    )

    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#disc-{disc_id}-resize-form"
    assert "Discs can only grow: this one is 25 GiB now." in text(response)
    assert re.search(r'id="disc\d+_size_gib_error"', response.content.decode())
    assert writes_after_read(sim, "web1") == []
    assert _discs(sim)[0].size == 25600
    assert entries("disc.resize") == []  # invalid input: like a form error, not audited


def test_stale_page_cannot_shrink_a_disc(demo_client: Any, sim: Any) -> None:
    # The page said 10 GiB, so 20 GiB looked like growing it; BigV has 50 GiB now.
    disc_id = disc_ids(sim, "web1")[1]
    assert _discs(sim)[1].size == 51200
    clear_requests(sim)

    response = demo_client.post(
        vm_url("web1", "disc_resize", disc=disc_id),
        {"size_gib": "20", "current_size": "10240", "shown_label": "disc-2"},
        **HTMX,
    )

    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#disc-{disc_id}-resize-form"
    html = response.content.decode()
    assert f'id="disc{disc_id}_size_gib_error"' in html
    assert "Discs can only grow: this one is 50 GiB now." in text(response)
    assert 'value="20"' in html  # what was typed stays
    assert writes_after_read(sim, "web1") == []
    assert _discs(sim)[1].size == 51200
    assert entries("disc.resize") == []


def test_delete_a_disc_removes_its_row(demo_client: Any, sim: Any) -> None:
    disc_id = disc_ids(sim, "web1")[1]
    clear_requests(sim)

    response = demo_client.post(
        vm_url("web1", "disc_delete", disc=disc_id),
        {"vm_id": vm_id_of(sim, "web1"), "shown_label": "disc-2"},
        **HTMX,
    )

    [request] = writes_after_read(sim, "web1")
    assert request["method"] == "DELETE" and "purge=true" in str(request["query"])
    assert [d.id for d in _discs(sim)] == [disc_ids(sim, "web1")[0]]
    html = response.content.decode()
    assert f'<template><tr id="disc-{disc_id}" hx-swap-oob="delete"></tr></template>' in html
    assert "Deleted disc disc-2 of web1." in text(response)
    entry = last_entry("disc.delete")
    assert entry.params == {"disc_id": disc_id, "purge": True}
    # The disc as BigV had it, read before the delete (the page sent only its label).
    assert entry.before == {"id": disc_id, "label": "disc-2", "size": 51200, "grade": "sata"}


def test_delete_a_disc_is_confirmed(demo_client: Any, sim: Any) -> None:
    disc_id = disc_ids(sim, "web1")[1]
    page = demo_client.get(vm_url("web1") + "?all=1").content.decode()
    assert 'hx-confirm="Delete disc disc-2 (50 GiB) and everything on it?' in page

    clear_requests(sim)
    confirm = demo_client.get(
        vm_url("web1", "disc_delete", disc=disc_id) + "?shown_label=disc-2&vm_id=1"
    )

    assert brain_requests(sim) == []
    assert "Delete disc disc-2 of web1 and everything on it?" in text(confirm)


def test_discs_of_a_deleted_vm_are_read_only(demo_client: Any, sim: Any) -> None:
    page = demo_client.get(vm_url("staging", group="default") + "?all=1").content.decode()

    assert "Discs cannot be changed while the VM is deleted." in page
    assert "/discs/add/" not in page and "/resize/" not in page


def test_grow_error_without_javascript_is_a_form_page(demo_client: Any, sim: Any) -> None:
    disc_id = disc_ids(sim, "web1")[0]

    response = demo_client.post(
        vm_url("web1", "disc_resize", disc=disc_id),
        {"size_gib": "20", "current_size": "25600", "shown_label": "disc-1"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" in html and "Discs can only grow" in html and 'value="20"' in html
    assert "hx-post" not in html.split(f'id="disc-{disc_id}-resize-form"')[1].split(">")[0]


def test_grow_without_javascript_redirects_with_a_message(demo_client: Any, sim: Any) -> None:
    disc_id = disc_ids(sim, "web1")[0]

    response = demo_client.post(
        vm_url("web1", "disc_resize", disc=disc_id), {"size_gib": "30", "current_size": "25600"}
    )

    assert response.status_code == 302
    assert "is now 30 GiB" in text(demo_client.get(response["Location"]))
