"""Rename, CD-ROM, keymap, hardware-profile lock and autoreboot.

Each reads the VM, then makes one partial PUT; the audit's "before" is the setting as BigV had
it (the forms carry no state of the VM).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    fault,
    last_entry,
    sim_patch,
    sim_vm,
    text,
    vm_id_of,
    vm_path,
    vm_url,
    writes_after_read,
)


def _post(client: Any, action: str, data: dict[str, Any], *, htmx: bool = True) -> Any:
    return client.post(vm_url("web1", action), data, **(HTMX if htmx else {}))


# --- rename -------------------------------------------------------------------------------


def test_rename_loads_the_page_at_its_new_address(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    clear_requests(sim)

    response = _post(demo_client, "rename", {"vm_id": vm_id, "name": "frontend1"})

    assert response.status_code == 200
    [write] = writes_after_read(sim, "web1")
    assert (write["method"], write["path"]) == ("PUT", vm_path("web1"))
    assert response["HX-Redirect"] == vm_url("frontend1")
    assert sim_vm(sim, vm_id)["name"] == "frontend1"
    entry = last_entry("vm.rename")
    assert entry.outcome == "succeeded" and entry.target_label == "web1 in demo/web"
    assert entry.api_status == 200
    assert entry.before == {"name": "web1"} and entry.after == {"name": "frontend1"}
    page = demo_client.get(vm_url("frontend1"))
    assert "Renamed web1 to frontend1." in text(page)


def test_rename_to_a_taken_name_shows_the_error_beside_the_field(
    demo_client: Any, sim: Any
) -> None:
    response = _post(demo_client, "rename", {"vm_id": vm_id_of(sim, "web1"), "name": "web2"})

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#rename-form" and response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert 'id="rename_name_error"' in html and "has already been taken" in html
    assert 'value="web2"' in html and 'aria-invalid="true"' in html  # what was typed
    entry = last_entry("vm.rename")
    assert (entry.outcome, entry.api_status) == ("refused", 400)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Web-One", "Use lowercase letters only."),
        ("web_1", "Use letters, digits and hyphens"),
        ("-web", "not starting or ending with a hyphen"),
        ("a" * 64, "Use at most 63 characters."),
        ("web.one", "Use letters, digits and hyphens"),
        ("web1", "That is already its name."),
    ],
)
def test_invalid_names_are_refused_before_any_call(
    name: str, message: str, demo_client: Any, sim: Any
) -> None:
    clear_requests(sim)

    response = _post(demo_client, "rename", {"name": name})

    assert brain_requests(sim) == []
    assert message in text(response)
    assert f'value="{name}"' in response.content.decode()


def test_rename_error_without_javascript_is_a_form_page(demo_client: Any, sim: Any) -> None:
    response = _post(demo_client, "rename", {"name": "Bad Name"}, htmx=False)

    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "<html" in html
        and 'value="Bad Name"' in html
        and "hx-post" not in html.split('id="rename-form"')[1].split(">")[0]
    )


# --- CD-ROM -------------------------------------------------------------------------------


def test_insert_and_eject_an_iso(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    url = "https://cdimage.example.org/debian-12.iso"

    inserted = _post(demo_client, "cdrom", {"vm_id": vm_id, "url": url})

    assert sim_vm(sim, vm_id)["cdrom_url"] == url
    assert "Inserted the ISO" in text(inserted) and "Eject CD-ROM" in text(inserted)
    entry = last_entry("vm.cdrom")
    assert entry.params == {"cdrom_url": url} and entry.after == {"cdrom_url": url}
    assert entry.before == {"cdrom_url": None}

    ejected = _post(demo_client, "cdrom", {"vm_id": vm_id, "clear": "1"})

    assert sim_vm(sim, vm_id)["cdrom_url"] is None
    assert "Ejected the CD-ROM of web1." in text(ejected)
    entry = last_entry("vm.cdrom")
    assert entry.before == {"cdrom_url": url} and entry.after == {"cdrom_url": None}


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.com/x.iso", "example.com/x.iso", "file:///etc/passwd"],
)
def test_only_http_urls_are_accepted_before_any_call(url: str, demo_client: Any, sim: Any) -> None:
    clear_requests(sim)

    response = _post(demo_client, "cdrom", {"url": url})

    assert brain_requests(sim) == []
    assert response["HX-Retarget"] == "#cdrom-form"
    assert "Enter an http:// or https:// URL." in text(response)


def test_empty_url_without_eject_is_refused(demo_client: Any, sim: Any) -> None:
    clear_requests(sim)

    response = _post(demo_client, "cdrom", {"url": "  "})

    assert brain_requests(sim) == [] and "Enter the ISO URL" in text(response)


# --- keymap -------------------------------------------------------------------------------


def test_set_and_clear_the_keymap(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")

    set_response = _post(demo_client, "keymap", {"vm_id": vm_id, "keymap": "de"})

    assert sim_vm(sim, vm_id)["keymap"] == "de"
    assert "Keymap of web1 is now de." in text(set_response)
    # The panel's "Keymap…" opens the form with the VM's keymap chosen.
    opener = set_response.content.decode().split('id="keymap-form"')[1].split(">")[0]
    assert 'hx-get="/accounts/demo/groups/web/vms/web1/keymap/?current=de"' in opener
    opened = demo_client.get(vm_url("web1", "keymap") + "?current=de", **HTMX)
    assert '<option value="de" selected>' in opened.content.decode()
    assert last_entry("vm.keymap").before == {"keymap": None}

    _post(demo_client, "keymap", {"vm_id": vm_id, "keymap": "none"})

    assert sim_vm(sim, vm_id)["keymap"] is None
    entry = last_entry("vm.keymap")
    assert entry.before == {"keymap": "de"} and entry.after == {"keymap": None}


def test_keymap_before_is_the_keymap_bigv_had(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    sim_patch(sim, vm_id, keymap="fr")  # changed elsewhere: the page still showed none

    _post(demo_client, "keymap", {"vm_id": vm_id, "keymap": "de", "shown_keymap": ""})

    assert sim_vm(sim, vm_id)["keymap"] == "de"
    entry = last_entry("vm.keymap")
    assert entry.before == {"keymap": "fr"} and entry.after == {"keymap": "de"}


def test_unknown_keymap_is_refused_before_any_call(demo_client: Any, sim: Any) -> None:
    clear_requests(sim)

    response = _post(demo_client, "keymap", {"keymap": "klingon"})

    assert brain_requests(sim) == [] and "Select a valid choice" in text(response)


def test_keymap_refused_by_the_api_shows_beside_the_field(demo_client: Any, sim: Any) -> None:
    body = json.dumps({"keymap": ["is not supported on this hardware profile"]})
    fault(
        sim,
        "PUT",
        r"/virtual_machines/web1$",
        action="status",
        status=400,
        body=body,
        content_type="application/json",
        times=1,
    )

    response = _post(demo_client, "keymap", {"vm_id": vm_id_of(sim, "web1"), "keymap": "fr"})

    assert response["HX-Retarget"] == "#keymap-form"
    html = response.content.decode()
    assert 'id="keymap_keymap_error"' in html
    assert "is not supported on this hardware profile" in html
    assert '<option value="fr" selected>' in html
    entry = last_entry("vm.keymap")
    assert (entry.outcome, entry.api_status) == ("refused", 400)
    assert entry.before == {"keymap": None}


# --- toggles ------------------------------------------------------------------------------


def test_lock_and_unlock_the_hardware_profile(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    form = {"vm_id": vm_id, "value": "true"}

    locked = _post(demo_client, "hardware_profile_lock", form)

    assert sim_vm(sim, vm_id)["hardware_profile_locked"] is True
    assert "Unlock hardware profile" in text(locked)
    entry = last_entry("vm.hardware_profile")
    assert entry.before == {"hardware_profile_locked": False}
    assert entry.after == {"hardware_profile_locked": True}

    _post(demo_client, "hardware_profile_lock", {"vm_id": vm_id, "value": "false"})

    assert sim_vm(sim, vm_id)["hardware_profile_locked"] is False
    entry = last_entry("vm.hardware_profile")
    assert entry.before == {"hardware_profile_locked": True}
    assert entry.after == {"hardware_profile_locked": False}


def test_toggle_autoreboot(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")

    response = _post(demo_client, "autoreboot", {"vm_id": vm_id, "value": "false"})

    assert sim_vm(sim, vm_id)["autoreboot_on"] is False
    assert "Auto-reboot of web1 is off." in text(response)
    assert "Turn auto-reboot on" in text(response)
    entry = last_entry("vm.autoreboot")
    assert entry.before == {"autoreboot_on": True} and entry.after == {"autoreboot_on": False}


def test_toggle_without_a_value_makes_no_call(demo_client: Any, sim: Any) -> None:
    clear_requests(sim)

    response = _post(demo_client, "autoreboot", {"value": "maybe"})

    assert brain_requests(sim) == []
    assert response["HX-Retarget"] == "#settings-errors"
    assert "Say whether to turn it on or off." in text(response)
