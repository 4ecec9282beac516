"""BigV privileges and API keys in a real browser, against the simulator over HTTP.

Access: alice (account_admin) grants bob's BigV user vm_admin on web1 from the VM's access
page — form, the grant in words, Grant — bob's VM page then offers power actions; she revokes
it. API keys: alice creates a key on the BigV connection page, sees its secret once, and it is
gone on the next load; she deletes the key.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

# alice (BigV demo, account_admin) and bob (BigV viewer through a session) of tests/grants.
from tests.grants.conftest import alice, bob  # noqa: F401  (fixtures, by name)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "grants-browser-pw-4c1d"


@pytest.fixture
def logins(request: Any) -> None:
    """alice and bob may log in through the login page."""
    for name in ("alice", "bob"):
        user = request.getfixturevalue(name)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def _log_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_grant_and_revoke_from_the_vm_access_page(
    browser, page, live_server, sim, logins, screenshot
):
    web1 = f"{live_server.url}/accounts/demo/groups/web/vms/web1/"
    bobs = browser.new_page()
    _log_in(bobs, live_server, "bob")
    bobs.goto(web1)
    bobs.locator("#vm-panel").wait_for()
    assert bobs.get_by_role("button", name="Stop (hard)").count() == 0

    _log_in(page, live_server, "alice")
    page.goto(web1)
    page.get_by_role("link", name="Access: who holds BigV privileges on web1").click()
    page.get_by_role("heading", name="Access to web1").wait_for()
    screenshot("grants-01-access-web1")
    page.get_by_role("link", name="Grant a privilege…").click()
    page.get_by_label("BigV username").fill("viewer")
    page.get_by_role("radio", name=re.compile(r"vm_admin —")).check()
    page.get_by_role("button", name="Show what it will do").click()
    page.get_by_text("viewer (bob in the panel) will be able to change web1").wait_for()
    screenshot("grants-02-grant-in-words")
    page.get_by_role("button", name="Grant", exact=True).click()
    page.get_by_text("Granted viewer vm_admin on web1.").wait_for()
    row = page.locator("tr", has_text="vm_admin").filter(has_text="viewer")
    row.wait_for()
    screenshot("grants-03-granted")

    bobs.reload()
    bobs.get_by_role("button", name="Stop (hard)").wait_for()

    row.get_by_role("link", name=re.compile("^Revoke")).click()
    page.get_by_text("will no longer be able to change web1").wait_for()
    page.get_by_role("button", name=re.compile("^Revoke")).click()
    page.get_by_text("Revoked vm_admin on web1 from viewer.").wait_for()
    assert page.locator("tr", has_text="vm_admin").filter(has_text="viewer").count() == 0

    bobs.reload()
    bobs.locator("#vm-panel").wait_for()
    assert bobs.get_by_role("button", name="Stop (hard)").count() == 0
    bobs.close()


def test_an_api_keys_secret_is_shown_once(page, live_server, sim, logins, screenshot):
    _log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/bigv/")
    section = page.locator("#api-keys")
    section.get_by_role(
        "rowheader", name=re.compile("demo-cli")
    ).wait_for()  # loaded by htmx into the connection page
    section.get_by_label("Label").fill("ci-deploy")
    section.get_by_label("account_admin on account demo").check()
    section.get_by_role("button", name="Create API key").click()
    secret = section.locator("code.api-key-secret")
    secret.wait_for()
    shown = secret.inner_text()
    assert shown.startswith("apikey.") and len(shown) > 20
    screenshot("grants-04-api-key-created")

    section.get_by_role("link", name="Done").click()
    section.get_by_role("rowheader", name="ci-deploy").wait_for()
    assert shown not in page.content()
    page.reload()
    page.locator("#api-keys").get_by_role("rowheader", name="ci-deploy").wait_for()
    assert shown not in page.content()
    screenshot("grants-05-api-keys")

    page.locator("tr", has_text="ci-deploy").get_by_role("link", name=re.compile("^Delete")).click()
    page.get_by_text("Delete API key “ci-deploy”?").wait_for()
    page.get_by_role("button", name=re.compile("^Delete API key")).click()
    page.get_by_text("Deleted API key “ci-deploy”.").wait_for()
    page.locator("#api-keys").get_by_role("rowheader", name=re.compile("demo-cli")).wait_for()
    assert page.locator("#api-keys").get_by_role("rowheader", name="ci-deploy").count() == 0
