"""In a real browser: add additional addresses to a VM and give one back (typed
confirmation), then boot it into the rescue appliance and back — all on the VM page, with
htmx swapping only the parts that changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from panel.audit.models import AuditEntry
from tests.credentials.helpers import connect_key, make_user
from tests.e2e.vm_page import open_vm_page
from tests.operations.helpers import sim_call, vm_id_of
from tests.vms.helpers import vm_addresses

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged_in(page: Any, live_server: Any, sim: Any) -> Any:
    user = make_user("carol")
    connect_key(user, "apikey.demo-key")
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )
    return page


def test_add_and_remove_addresses(logged_in: Any, live_server: Any, sim: Any, screenshot: Any):
    page = logged_in
    open_vm_page(page, f"{live_server.url}/accounts/demo/groups/web/vms/web2/")
    network = page.locator("#vm-network")
    form = network.locator("#ip-add-form")
    form.get_by_label("How many").fill("2")
    form.get_by_label("What they are for").fill("two TLS sites")
    form.get_by_role("button", name="Add").click()
    network.get_by_text("Added ").wait_for()
    added = [ip for ip in vm_addresses(sim, "web2") if ip not in ("192.0.2.3", "2001:db8:0:2::1")]
    assert len(added) == 2
    for ip in added:
        network.get_by_role("rowheader", name=ip).wait_for()
    screenshot("addresses-01-added")

    # BigV's refusal of a fifth additional address, beside the field.
    form = network.locator("#ip-add-form")
    form.get_by_label("How many").fill("3")
    form.get_by_label("What they are for").fill("too many")
    form.get_by_role("button", name="Add").click()
    network.get_by_text("maximum of 4").wait_for()
    screenshot("addresses-02-refused")

    # Give the first one back: the typed confirmation must match.
    gone = added[0]
    row = network.locator("tr", has=page.get_by_role("rowheader", name=gone))
    row.locator("summary").click()
    row.get_by_label("Type the address to confirm").fill("192.0.2.250")
    row.get_by_role("button", name=f"Remove {gone}").click()
    network.get_by_text(f"Type {gone} exactly").wait_for()
    assert gone in vm_addresses(sim, "web2")
    row = network.locator("tr", has=page.get_by_role("rowheader", name=gone))
    row.get_by_label("Type the address to confirm").fill(gone)
    row.get_by_role("button", name=f"Remove {gone}").click()
    network.get_by_text(f"Removed {gone} from web2").wait_for()
    assert gone not in vm_addresses(sim, "web2")
    assert network.get_by_role("rowheader", name=gone).count() == 0
    screenshot("addresses-03-removed")
    assert AuditEntry.objects.filter(action="ip.delete", outcome="succeeded").count() == 1
    # The VM's history on the page followed (out-of-band swap).
    page.locator("#vm-history").get_by_text("IP address removed").first.wait_for()


def test_rescue_boot_and_back(logged_in: Any, live_server: Any, sim: Any, screenshot: Any):
    page = logged_in
    vm_id = vm_id_of(sim, "web1")
    page.goto(f"{live_server.url}/accounts/demo/groups/web/vms/web1/")
    panel = page.locator("#vm-panel")
    page.once("dialog", lambda dialog: dialog.accept())  # "stopped hard first"
    panel.get_by_role("button", name="Restart into rescue").click()
    panel.get_by_text("is running BigV's rescue appliance").wait_for()
    assert sim_call(sim, "GET", f"/vms/{vm_id}")["appliance"]["name"] == "rescue"
    panel.locator(".vm-appliance").get_by_text("rescue appliance").wait_for()
    screenshot("rescue-01-in-rescue")

    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Leave rescue (restart from its discs)").click()
    panel.get_by_text("Restarting web1 from its own discs.").wait_for()
    sim_call(sim, "POST", "/clock/advance", {"seconds": 1})
    # The panel reads the VM again by itself a moment later ("refresh").
    panel.get_by_role("button", name="Restart into rescue").wait_for(timeout=15_000)
    state = sim_call(sim, "GET", f"/vms/{vm_id}")
    assert (state["power_on"], state["appliance"]) == (True, None)
    screenshot("rescue-02-back")
    actions = list(AuditEntry.objects.filter(target_id=str(vm_id)).values_list("action", flat=True))
    assert {"vm.power_off", "vm.rescue", "vm.rescue_leave"} <= set(actions)
