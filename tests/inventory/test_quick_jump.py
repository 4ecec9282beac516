"""The header's quick jump: by name, hostname or IP, across everything the person can see —
and nothing else — at most one API read per search (none while the read cache holds)."""

from __future__ import annotations

import re

import pytest

from tests.inventory.helpers import HTMX, get_counted, text

pytestmark = pytest.mark.django_db

JUMP = "/vms/jump/"


def _suggested(response) -> list[str]:
    return re.findall(r'class="jump-name">([^<]*)<', text(response))


def test_every_page_has_the_quick_jump_in_its_header(demo_client):
    page = text(demo_client.get("/"))
    assert '<form id="quick-jump"' in page and 'aria-keyshortcuts="/"' in page
    assert 'hx-get="/vms/jump/"' in page and 'hx-trigger="input changed delay:250ms' in page
    assert re.search(r'<script src="/static/layout/layout\.js" defer nonce="[^"]+">', page)


def test_by_name_with_suggestions_ranked_and_one_read_at_most(demo_client):
    response, calls = get_counted(demo_client, JUMP + "?q=web", **HTMX)
    assert calls == 1
    assert _suggested(response) == ["web1", "web2", "web3"]
    assert 'href="/accounts/demo/groups/web/vms/web2/"' in text(response)
    # Typing on: the next searches are answered from the read cache.
    response, calls = get_counted(demo_client, JUMP + "?q=web2", **HTMX)
    assert calls == 0 and _suggested(response) == ["web2"]
    # An exact name comes before names that merely contain it.
    assert _suggested(demo_client.get(JUMP + "?q=db1", **HTMX)) == ["db1"]
    assert _suggested(demo_client.get(JUMP + "?q=db", **HTMX))[:2] == ["db-replica", "db1"]


def test_by_hostname_and_by_ip(demo_client):
    found = demo_client.get(JUMP + "?q=monitor.default.demo", **HTMX)
    assert _suggested(found) == ["monitor"]
    found = demo_client.get(JUMP + "?q=192.0.2.5", **HTMX)
    assert _suggested(found) == ["db1"] and "192.0.2.5" in text(found)
    # An additional (routed) address finds its VM too, and is the one shown.
    found = demo_client.get(JUMP + "?q=192.0.2.16", **HTMX)
    assert _suggested(found) == ["web1"] and "192.0.2.16" in text(found)
    assert _suggested(demo_client.get(JUMP + "?q=2001:db8:0:8::1", **HTMX)) == ["monitor"]


def test_enter_without_javascript_opens_the_one_clear_match_else_lists(demo_client):
    response = demo_client.get(JUMP + "?q=192.0.2.5")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/demo/groups/db/vms/db1/"
    listed = demo_client.get(JUMP + "?q=web")
    assert listed.status_code == 200 and _suggested(listed) == ["web1", "web2", "web3"]
    nothing = demo_client.get(JUMP + "?q=no-such-vm")
    assert nothing.status_code == 200 and "matches “no-such-vm”" in text(nothing)


def test_nothing_the_person_cannot_see_is_suggested(viewer_client):
    # BigV user "viewer" (bob in the demo) sees VM web1 only.
    assert _suggested(viewer_client.get(JUMP + "?q=web", **HTMX)) == ["web1"]
    for other in ("db1", "192.0.2.5", "monitor.default.demo.uk0.bigv.io", "app"):
        found = viewer_client.get(JUMP + f"?q={other}", **HTMX)
        assert _suggested(found) == [], other
        assert "No virtual machine you can see matches" in text(found)
    assert viewer_client.get(JUMP + "?q=db1").status_code == 200  # a list, not a redirect


def test_an_empty_search_asks_nothing(demo_client):
    response, calls = get_counted(demo_client, JUMP + "?q=%20", **HTMX)
    assert response.status_code == 200 and calls == 0 and _suggested(response) == []
