"""Power actions and key presses: the effect in the simulator, the audit entry, the answer.

Each reads the VM first (the audit's "before" is BigV's state then, whatever the page
showed), then writes once: two API calls.
"""

from __future__ import annotations

from typing import Any

from panel.credentials.clients import count_api_calls, definitions
from tests.vms.helpers import (
    HTMX,
    brain_requests,
    clear_requests,
    last_entry,
    sim_patch,
    sim_vm,
    text,
    vm_id_of,
    vm_path,
    vm_url,
    writes_after_read,
)


def _post(
    client: Any, name: str, action: str, data: dict[str, Any] | None = None, **kw: Any
) -> Any:
    group = "db" if name == "db2" else "web"
    definitions()  # cached for everyone, so not one of the action's calls
    with count_api_calls() as calls:
        response = client.post(vm_url(name, action, group=group), data or {}, **kw)
    assert len(calls) == 2, calls.calls  # the VM read, then the write
    return response


def test_start_powers_on_and_answers_with_the_panel(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "db2")

    response = _post(demo_client, "db2", "start", {"vm_id": vm_id}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="vm-panel"')
    assert "Started db2." in text(response) and "Running" in text(response)
    assert 'id="vm-history" class="card vm-history" hx-swap-oob="true"' in html
    state = sim_vm(sim, vm_id)
    assert state["power_on"] is True and state["autoreboot_on"] is True
    entry = last_entry("vm.power_on")
    assert entry.outcome == "succeeded" and entry.actor_username == "olivia"
    assert entry.target_label == "db2 in demo/db" and entry.target_id == str(vm_id)
    assert entry.before == {"power_on": False, "autoreboot_on": False}  # as BigV had it
    assert entry.after == {"power_on": True, "autoreboot_on": True}
    assert "VM powered on" in text(response)  # the history swapped in out of band


def test_stop_is_a_hard_stop(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    clear_requests(sim)

    response = _post(demo_client, "web1", "stop", {"vm_id": vm_id}, **HTMX)

    [write] = writes_after_read(sim, "web1")
    assert (write["method"], write["path"]) == ("PUT", vm_path("web1"))
    assert "Stopped web1." in text(response) and "Off" in text(response)
    assert sim_vm(sim, vm_id)["power_on"] is False
    assert sim_vm(sim, vm_id)["autoreboot_on"] is False
    entry = last_entry("vm.power_off")
    assert entry.before == {"power_on": True, "autoreboot_on": True}  # read before the write
    assert entry.after == {"power_on": False, "autoreboot_on": False}


def test_before_comes_from_bigv_not_from_a_forged_post(demo_client: Any, sim: Any) -> None:
    # The form has no shown_* fields any more; one posted anyway is ignored.
    vm_id = vm_id_of(sim, "web1")
    forged = {"vm_id": vm_id, "shown_power_on": "False", "shown_autoreboot_on": "False"}

    response = _post(demo_client, "web1", "stop", forged, **HTMX)

    assert response.status_code == 200 and sim_vm(sim, vm_id)["power_on"] is False
    entry = last_entry("vm.power_off")
    assert entry.outcome == "succeeded"
    assert entry.before == {"power_on": True, "autoreboot_on": True}
    assert entry.after == {"power_on": False, "autoreboot_on": False}


def test_stop_is_confirmed_first(demo_client: Any, sim: Any) -> None:
    page = demo_client.get(vm_url("web1")).content.decode()
    stop_form = page.split('action="/accounts/demo/groups/web/vms/web1/stop/"')[0].rsplit(
        "<form", 1
    )[1]
    assert 'method="get"' in stop_form  # without JavaScript: the confirmation page
    assert "hx-confirm=" in page.split("/web1/stop/")[2].split(">")[0]

    clear_requests(sim)
    # A stale link may still carry a shown_* value: the POST form carries only the VM's id.
    confirm = demo_client.get(vm_url("web1", "stop") + "?vm_id=1&shown_power_on=True")

    assert confirm.status_code == 200 and brain_requests(sim) == []
    html = confirm.content.decode()
    assert 'role="alertdialog"' in html and "pulling the power plug" in html
    assert 'method="post"' in html and 'name="vm_id" value="1"' in html
    assert "shown_power_on" not in html


def test_reboot_reads_the_state_again_shortly(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    clear_requests(sim)

    response = _post(demo_client, "web1", "reboot", {"vm_id": vm_id}, **HTMX)

    [request] = writes_after_read(sim, "web1")
    assert (request["method"], request["path"]) == ("PUT", vm_path("web1"))
    html = response.content.decode()
    assert "Rebooting web1" in text(response)
    assert 'hx-trigger="load delay:3s"' in html and "/vms/web1/panel/" in html
    assert last_entry("vm.reboot").outcome == "succeeded"


def test_powerdown_sends_the_acpi_signal(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    clear_requests(sim)

    response = _post(demo_client, "web1", "powerdown", {"vm_id": vm_id}, **HTMX)

    [request] = writes_after_read(sim, "web1")
    assert (request["method"], request["path"]) == (
        "POST",
        "/accounts/demo/groups/web/virtual_machines/web1/signal",
    )
    # The echo carries no VM state: only the message slot changes, then the panel reloads.
    assert response["HX-Retarget"] == "#vm-message"
    assert "Sent the shutdown signal to web1" in text(response)
    assert 'hx-trigger="load delay:3s"' in response.content.decode()
    entry = last_entry("vm.acpi_powerdown")
    assert entry.params == {"signal": "powerdown"} and entry.target_id == str(vm_id)
    assert entry.before == {"power_on": True, "autoreboot_on": True}


def test_reset(demo_client: Any, sim: Any) -> None:
    response = _post(demo_client, "web1", "reset", {"vm_id": vm_id_of(sim, "web1")}, **HTMX)

    assert "Reset web1." in text(response)
    assert last_entry("vm.reset").outcome == "succeeded"


def test_sendkey_builds_the_combination_from_chosen_keys(demo_client: Any, sim: Any) -> None:
    form = {"vm_id": vm_id_of(sim, "web1"), "key1": "ctrl", "key2": "alt", "key3": "delete"}

    response = _post(demo_client, "web1", "sendkey", form, **HTMX)

    assert "Sent ctrl-alt-delete to web1." in text(response)
    entry = last_entry("vm.sendkey")
    assert entry.params == {"signal": "sendkey", "keys": "ctrl-alt-delete"}


def test_sendkey_rejects_unknown_and_repeated_keys_without_a_call(
    demo_client: Any, sim: Any
) -> None:
    definitions()
    clear_requests(sim)
    url = vm_url("web1", "sendkey")

    unknown = demo_client.post(url, {"key1": "ctrl", "key2": "sysrq-nope"}, **HTMX)
    repeated = demo_client.post(url, {"key1": "ctrl", "key2": "ctrl"}, **HTMX)

    assert brain_requests(sim) == []
    assert unknown["HX-Retarget"] == "#sendkey-form"
    assert "Select a valid choice" in text(unknown)
    assert "Choose each key only once." in text(repeated)
    # What the user chose stays selected.
    assert '<option value="ctrl" selected>' in repeated.content.decode()


def test_signal_to_a_powered_off_vm_is_refused_in_words(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    sim_patch(sim, vm_id, power_on=False)  # the page still showed it running

    response = _post(demo_client, "web1", "reset", {"vm_id": vm_id}, **HTMX)

    assert response.status_code == 400 and response["HX-Retarget"] == "#power-errors"
    assert "cannot be sent while the virtual machine is powered off" in text(response)
    entry = last_entry("vm.reset")
    assert (entry.outcome, entry.api_status) == ("refused", 400)
    # "Before" is what BigV had when the panel acted, not what the stale page showed.
    assert entry.before == {"power_on": False, "autoreboot_on": True}


def test_without_javascript_a_post_redirects_with_a_message(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "db2")

    response = _post(demo_client, "db2", "start", {"vm_id": vm_id})

    assert response.status_code == 302
    # Back to the whole page, as a browser without JavaScript needs it.
    assert response["Location"] == vm_url("db2", group="db") + "?all=1"
    page = demo_client.get(response["Location"])
    assert "Started db2." in text(page)


def test_get_of_a_non_destructive_action_goes_back_to_the_page(demo_client: Any, sim: Any) -> None:
    response = demo_client.get(vm_url("web1", "start"))

    assert response.status_code == 302 and response["Location"] == vm_url("web1") + "?all=1"
