"""The daily path through the panel in a real browser, with a screenshot of each page.

Log in, connect BigV with an API key, browse home → account → group → VM, power the VM off
and on, delete and undelete it, and find those actions in the audit trail.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from panel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(transactional_db):
    return get_user_model().objects.create_user("carol", password="carol-panel-pw")


def _log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("carol-panel-pw")
    page.get_by_role("button", name="Log in").click()


def test_operator_day(page, live_server, sim, operator, screenshot):
    _log_in(page, live_server)
    # Not connected yet: the panel sends the operator to the BigV connection page.
    page.wait_for_url(re.compile(r"/bigv/"))
    screenshot("01-connection-empty")
    page.locator("input[name=api_key]").fill("apikey.demo-key")
    page.get_by_role("button", name="Connect with API key").click()
    page.get_by_text("demo", exact=True).first.wait_for()
    screenshot("02-connection-connected")

    page.get_by_role("link", name="Home", exact=True).first.click()
    page.get_by_role("heading", name="Your BigV accounts").wait_for()
    screenshot("03-home")

    page.get_by_role("link", name="demo", exact=True).first.click()
    page.get_by_role("link", name="web", exact=True).first.click()
    page.get_by_role("link", name="web1", exact=True).wait_for()
    screenshot("04-group-web")

    page.get_by_role("link", name="web1", exact=True).click()
    panel = page.locator("#vm-panel")
    panel.get_by_text("Running").first.wait_for()
    screenshot("05-vm-web1")

    # Hard stop asks for confirmation first (hx-confirm → a native dialog).
    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Stop (hard)").click()
    panel.get_by_role("button", name="Start", exact=True).and_(page.locator(":enabled")).wait_for()
    assert panel.get_by_text("Off").first.is_visible()
    screenshot("06-vm-web1-stopped")

    panel.get_by_role("button", name="Start", exact=True).click()
    panel.get_by_role("button", name="Stop (hard)").and_(page.locator(":enabled")).wait_for()

    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Delete VM").click()
    panel.get_by_role("button", name="Undelete").wait_for()
    screenshot("07-vm-web1-deleted")
    panel.get_by_role("button", name="Undelete").click()
    page.get_by_role("button", name="Delete VM").wait_for()

    page.get_by_role("link", name="Audit").first.click()
    table = page.locator("table")
    for action in ("vm.power_off", "vm.power_on", "vm.delete", "vm.undelete"):
        assert AuditEntry.objects.filter(action=action, actor_username="carol").exists()
    table.get_by_text("web1 in demo/web").first.wait_for()
    screenshot("08-audit")
    assert "apikey.demo-key" not in page.content()
