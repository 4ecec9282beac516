"""CSRF in a real browser: htmx sends the token from <body hx-headers> (the cookie is
HttpOnly, so no script could read it), and a POST without it is refused."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key

pytestmark = pytest.mark.django_db(transaction=True)

WEB1 = "/accounts/demo/groups/web/vms/web1/"


@pytest.fixture
def operator(transactional_db, sim):
    user = get_user_model().objects.create_user("dora", password="dora-panel-pw")
    credentials_connect_api_key(actor=Actor.system(), user=user, api_key="apikey.demo-key")
    return user


def test_htmx_posts_carry_the_token_and_posts_without_it_are_refused(
    page, live_server, operator, screenshot
) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Password").fill("dora-panel-pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{live_server.url}{WEB1}")
    panel = page.locator("#vm-panel")
    panel.get_by_text("Running").first.wait_for()

    # The CSRF cookie is out of reach of scripts: only the page's own token can be sent.
    assert "csrf" not in page.evaluate("document.cookie").lower()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response(lambda r: r.url.endswith("/stop/")) as answer:
        panel.get_by_role("button", name="Stop (hard)").click()
    stop = answer.value
    assert stop.status == 200
    assert stop.request.headers.get("x-csrftoken")
    assert stop.request.headers.get("hx-request") == "true"
    panel.get_by_role("button", name="Start", exact=True).and_(page.locator(":enabled")).wait_for()
    screenshot("csrf-01-stopped-with-token")

    # The same kind of request without the token, from the page itself: refused.
    status = page.evaluate(
        """url => fetch(url, {method: "POST", headers: {"HX-Request": "true"}})
                  .then(response => response.status)""",
        f"{WEB1}start/",
    )
    assert status == 403
    page.reload()
    page.locator("#vm-panel").get_by_text("Off").first.wait_for()  # still off: nothing ran
