"""Rescue boot and back from the VM page's power actions (docs/bigv-api.md §8.8): the VM is
read first; a running VM is stopped hard, then one PUT boots the rescue appliance (the
CLI's body); leaving is a hard restart that boots the VM's own discs. Each write audited."""

from __future__ import annotations

from typing import Any

from tests.vms.helpers import (
    HTMX,
    clear_requests,
    entries,
    last_entry,
    sim_call,
    sim_vm,
    text,
    vm_id_of,
    vm_url,
    writes_after_read,
)

RESCUE = {"name": "rescue", "permanent": False}


def test_boot_a_stopped_vm_into_rescue_and_back(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "db2")
    clear_requests(sim)
    response = demo_client.post(vm_url("db2", "rescue", group="db"), {"vm_id": vm_id}, **HTMX)
    assert response.status_code == 200
    (boot,) = writes_after_read(sim, "db2", "db")
    assert boot["method"] == "PUT"
    assert sim_vm(sim, vm_id)["appliance"] == RESCUE
    page = text(response)
    assert "is running BigV's rescue appliance, not its own system" in page
    assert "rescue appliance" in page and "Leave rescue" in page
    entry = last_entry("vm.rescue")
    assert entry.outcome == "succeeded" and entry.target_id == str(vm_id)
    assert entry.before == {"power_on": False, "autoreboot_on": False, "appliance": None}
    assert entry.after == {"power_on": True, "autoreboot_on": True, "appliance": "rescue"}

    # The page read afresh says so too (the details list, for everyone who sees the VM).
    assert "rescue appliance" in text(demo_client.get(vm_url("db2", group="db")))

    clear_requests(sim)
    back = demo_client.post(vm_url("db2", "rescue_leave", group="db"), {"vm_id": vm_id}, **HTMX)
    assert back.status_code == 200
    (restart,) = writes_after_read(sim, "db2", "db")
    assert restart["method"] == "PUT"
    sim_call(sim, "POST", "/clock/advance", {"seconds": 1})
    state = sim_vm(sim, vm_id)
    assert (state["power_on"], state["appliance"]) == (True, None)
    assert last_entry("vm.rescue_leave").outcome == "succeeded"


def test_a_running_vm_is_stopped_hard_first(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    clear_requests(sim)
    response = demo_client.post(vm_url("web1", "rescue"), {"vm_id": vm_id}, **HTMX)
    assert response.status_code == 200
    stop, boot = writes_after_read(sim, "web1")
    assert (stop["method"], boot["method"]) == ("PUT", "PUT")
    assert sim_vm(sim, vm_id)["appliance"] == RESCUE
    assert [e.action for e in entries("vm.power_off")] == ["vm.power_off"]
    assert last_entry("vm.power_off").params == {"why": "to boot into the rescue appliance"}


def test_without_javascript_it_asks_first(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    page = demo_client.get(vm_url("web1", "rescue"), {"vm_id": vm_id})
    assert page.status_code == 200 and "stopped hard first" in text(page)
    assert sim_vm(sim, vm_id)["appliance"] is None
    done = demo_client.post(vm_url("web1", "rescue"), {"vm_id": vm_id})
    assert done.status_code == 302
    assert sim_vm(sim, vm_id)["appliance"] == RESCUE


def test_leaving_a_stopped_vm_is_refused_in_words(demo_client: Any, sim: Any) -> None:
    clear_requests(sim)
    vm_id = vm_id_of(sim, "db2")
    response = demo_client.post(vm_url("db2", "rescue_leave", group="db"), {"vm_id": vm_id}, **HTMX)
    assert response.status_code == 400 and "starting it boots its own discs" in text(response)
    assert writes_after_read(sim, "db2", "db") == []


def test_a_viewer_is_not_offered_rescue_and_is_refused(viewer_client: Any, sim: Any) -> None:
    assert "Boot into rescue" not in text(viewer_client.get(vm_url("web1")))
    clear_requests(sim)
    refused = viewer_client.post(vm_url("web1", "rescue"), {"vm_id": vm_id_of(sim, "web1")}, **HTMX)
    assert refused.status_code == 403
    assert writes_after_read(sim, "web1") == []
    assert last_entry("vm.rescue").outcome == "denied"
