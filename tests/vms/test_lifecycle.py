"""Delete (soft), undelete, purge (type the name), and the name is free again."""

from __future__ import annotations

from typing import Any

from panel.credentials.clients import client_for
from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    last_entry,
    sim_vm,
    text,
    vm_id_of,
    vm_path,
    vm_url,
    writes_after_read,
)


def _names(user: Any, group: str, *, include_deleted: bool = False) -> list[str]:
    with client_for(user) as client:
        return [vm.name for vm in client.vms("demo", group, include_deleted=include_deleted)]


def test_delete_then_undelete(demo_client: Any, demo_user: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web2")
    clear_requests(sim)

    deleted = demo_client.post(vm_url("web2", "delete"), {"vm_id": vm_id}, **HTMX)

    assert deleted.status_code == 200
    [write] = writes_after_read(sim, "web2")
    assert (write["method"], write["path"]) == ("DELETE", vm_path("web2"))
    assert sim_vm(sim, vm_id)["deleted"] is True
    assert "web2" not in _names(demo_user, "web")
    assert "web2" in _names(demo_user, "web", include_deleted=True)
    html = deleted.content.decode()
    # The panel now offers only Undelete and Purge; discs and network are locked out of band.
    assert "Deleted web2." in text(deleted) and "Undelete" in html and "Purge web2" in html
    assert "Start" not in text(deleted) and "Delete VM" not in text(deleted)
    assert 'id="vm-discs"' in html and "Discs cannot be changed while the VM is deleted." in html
    entry = last_entry("vm.delete")
    assert entry.outcome == "succeeded" and entry.target_id == str(vm_id)
    assert entry.api_status == 204
    # "Before" is web2 as BigV had it right before the delete: running, not deleted.
    assert entry.before == {"deleted": False, "power_on": True}
    assert entry.after == {"deleted": True}

    # It appears with show-deleted, and is undeleted from there.
    shown = demo_client.get(vm_url("web2") + "?deleted=1")
    assert shown.status_code == 200 and "Undelete" in text(shown)

    undeleted = demo_client.post(vm_url("web2", "undelete"), {"vm_id": vm_id}, **HTMX)

    assert undeleted["HX-Redirect"] == vm_url("web2")
    assert sim_vm(sim, vm_id)["deleted"] is False
    assert "web2" in _names(demo_user, "web")
    entry = last_entry("vm.undelete")
    assert entry.before == {"deleted": True} and entry.after == {"deleted": False}
    page = demo_client.get(vm_url("web2"))
    assert "Undeleted web2." in text(page) and "Delete VM" in text(page)


def test_delete_without_javascript_confirms_then_shows_the_deleted_vm(
    demo_client: Any, sim: Any
) -> None:
    clear_requests(sim)
    confirm = demo_client.get(vm_url("web2", "delete") + "?vm_id=2")
    assert brain_requests(sim) == [] and "Delete web2?" in text(confirm)

    response = demo_client.post(vm_url("web2", "delete"), {"vm_id": "2"})

    assert response.status_code == 302
    assert response["Location"] == vm_url("web2") + "?deleted=1"


def test_purge_needs_the_name_typed(demo_client: Any, demo_user: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "staging")
    url = vm_url("staging", "purge", group="default")
    clear_requests(sim)

    wrong = demo_client.post(url, {"vm_id": vm_id, "confirm_name": "stagin"}, **HTMX)

    assert brain_requests(sim) == []
    assert wrong["HX-Retarget"] == "#purge-form"
    assert "That is not the VM's name; type staging exactly." in text(wrong)
    assert 'value="stagin"' in wrong.content.decode()
    assert "staging" in _names(demo_user, "default", include_deleted=True)
    clear_requests(sim)

    right = demo_client.post(url, {"vm_id": vm_id, "confirm_name": "staging"}, **HTMX)

    assert right["HX-Redirect"] == "/accounts/demo/groups/default/"
    [write] = writes_after_read(sim, "staging", group="default")
    assert (write["method"], write["path"]) == ("DELETE", vm_path("staging", "default"))
    assert "purge=true" in str(write["query"])
    assert "staging" not in _names(demo_user, "default", include_deleted=True)
    entry = last_entry("vm.purge")
    assert entry.outcome == "succeeded" and entry.target_label == "staging in demo/default"
    assert entry.target_id == str(vm_id)
    assert entry.before == {"deleted": True}  # read with include_deleted, as BigV had it

    # The name is free again: another VM may take it.
    renamed = demo_client.post(
        vm_url("bastion", "rename", group="default"), {"name": "staging"}, **HTMX
    )
    assert renamed["HX-Redirect"] == vm_url("staging", group="default")


def test_purge_without_javascript_wrong_name_is_a_form_page(demo_client: Any, sim: Any) -> None:
    response = demo_client.post(
        vm_url("staging", "purge", group="default"), {"confirm_name": "nope"}
    )

    assert response.status_code == 400
    assert "That is not the VM's name" in text(response) and "<html" in response.content.decode()
