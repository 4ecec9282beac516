"""The group page as wide as the window, on a phone and in the dark, and the quick jump's
keys — in a real browser. The screenshots are the ones in docs/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
GROUP = "/accounts/demo/groups/default/"
PASSWORD = "alice-layout-pw-5k2"


@pytest.fixture
def alice(transactional_db, sim):
    user = get_user_model().objects.create_user("alice", password=PASSWORD)
    credentials_connect_api_key(actor=Actor.system(), user=user, api_key="apikey.demo-key")
    return user


def _open_group(browser, live_server, *, width: int, height: int, scheme: str):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{live_server.url}{GROUP}")
    page.locator("tr.vm-row").first.wait_for()
    return context, page


def _no_sideways_page(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_group_page_on_a_desktop(browser, live_server, alice):
    context, page = _open_group(browser, live_server, width=1400, height=900, scheme="light")
    _no_sideways_page(page, 1400)
    table = page.locator("table.vms")
    # As wide as the window (less the page's padding), not the old 1200 px column.
    assert table.bounding_box()["width"] > 1300
    assert page.locator("th.col-ip").is_visible() and page.get_by_text("192.0.2.11").is_visible()
    assert page.get_by_role("link", name="All VMs").is_visible()  # the header is whole
    assert not page.get_by_role("button", name="Menu").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "group-desktop.png"), full_page=True)
    context.close()


def test_the_group_page_on_a_phone(browser, live_server, alice):
    context, page = _open_group(browser, live_server, width=390, height=844, scheme="light")
    _no_sideways_page(page, 390)
    # The header folds behind "Menu"; the filters (but the search) behind "Filters".
    assert not page.get_by_role("link", name="All VMs").is_visible()
    assert page.get_by_label("Search").is_visible()
    assert not page.get_by_label("Power state").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "group-phone.png"), full_page=True)
    # Scrolled to its far end, the table still shows each row's name and state.
    page.locator(".vm-table .table-wrap").evaluate("wrap => { wrap.scrollLeft = 1e6; }")
    row = page.locator("tr.vm-row").first
    for cell in (row.locator("th.col-name"), row.locator("td.col-state")):
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.get_by_text("192.0.2.11").is_visible()  # the far end (IP) came into view
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="All VMs").wait_for(state="visible")
    page.get_by_role("button", name="Filters").click()
    page.get_by_label("Power state").select_option("off")
    page.locator("tr.vm-row").nth(2).wait_for(state="detached")  # 2 of 5 are off
    assert page.locator("tr.vm-row").count() == 2
    context.close()


def test_the_group_page_in_the_dark(browser, live_server, alice):
    context, page = _open_group(browser, live_server, width=1400, height=900, scheme="dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    card = page.evaluate("getComputedStyle(document.querySelector('table.vms')).backgroundColor")
    text = page.evaluate("getComputedStyle(document.body).color")
    assert background == "rgb(15, 20, 27)" and card == "rgb(24, 32, 43)"
    assert text == "rgb(227, 232, 239)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "group-dark.png"), full_page=True)
    context.close()


def test_quick_jump_with_the_keyboard(page, live_server, alice):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.keyboard.press("/")
    field = page.locator("#jump-q")
    assert page.evaluate("document.activeElement.id") == "jump-q"
    field.press_sequentially("192.0.2.3", delay=20)
    page.locator('.jump-list[data-needle="192.0.2.3"] .jump-option').first.wait_for()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/accounts/demo/groups/web/vms/web2/$"))
    # The arrows walk the suggestions; Escape closes them.
    page.keyboard.press("/")
    field.fill("")
    field.press_sequentially("web", delay=20)
    page.locator('.jump-list[data-needle="web"] .jump-option').nth(2).wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").strip().startswith("web2")
    page.keyboard.press("Escape")
    assert page.locator(".jump-option").count() == 0
