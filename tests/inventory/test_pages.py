"""Home, account, group and all-VMs pages against the real simulator (demo seed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.credentials.helpers import sim_call, sim_requests
from tests.inventory.helpers import (
    HTMX,
    add_fault,
    connected_client,
    get_counted,
    group_rows,
    text,
    vm_names,
)

pytestmark = pytest.mark.django_db

DEMO_LIVE = [
    "bastion",
    "builder",
    "db-replica",
    "db1",
    "db2",
    "legacy",
    "mail",
    "monitor",
    "web1",
    "web2",
    "web3",
]


def test_home_lists_accounts_with_counts_and_power_summary(demo_client):
    response, calls = get_counted(demo_client, reverse("home"))
    assert response.status_code == 200
    assert calls == 1
    page = text(response)
    assert '<a href="/accounts/demo/">demo</a>' in page
    assert '<dd class="count-groups">3</dd>' in page
    assert '<dd class="count-vms">11</dd>' in page
    assert "8 running" in page and "3 off" in page and "1 deleted" in page
    assert "other" not in page  # the second account is invisible to demo


def test_home_for_viewer_shows_only_what_it_may_see(viewer_client):
    page = text(viewer_client.get(reverse("home")))
    assert '<a href="/accounts/demo/">demo</a>' in page
    assert '<dd class="count-groups">1</dd>' in page
    assert '<dd class="count-vms">1</dd>' in page
    assert "1 running" in page and "0 off" in page
    assert "deleted</span>" not in page
    assert "other" not in page


def test_home_empty_state(db, sim):
    # A BigV user with no privileges at all.
    sim_call(sim, "POST", "/users", {"username": "nobody", "password": "pw", "api_key": "nokey"})
    page = text(connected_client("nina", "apikey.nokey").get(reverse("home")))
    assert "No accounts to show" in page
    assert "account-card" not in page


def test_not_connected_user_is_sent_to_the_connection_page(unconnected_client):
    response, calls = get_counted(unconnected_client, reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("credentials:connection")
    assert calls == 0


def test_account_page_lists_groups_with_counts(demo_client):
    response, calls = get_counted(demo_client, reverse("accounts:account", args=["demo"]))
    assert response.status_code == 200
    assert calls == 1
    assert group_rows(response) == {
        "db": {"live": 3, "running": 2, "off": 1, "deleted": 0},
        "default": {"live": 5, "running": 3, "off": 2, "deleted": 1},
        "web": {"live": 3, "running": 3, "off": 0, "deleted": 0},
    }
    page = text(response)
    assert 'href="/accounts/demo/groups/web/"' in page
    assert 'id="group-create"' in page
    assert '<li><a href="/">Home</a></li>' in page  # breadcrumbs: Home > demo
    assert 'aria-current="page">demo</a>' in page


def test_account_page_for_viewer_shows_only_its_group(viewer_client):
    response = viewer_client.get(reverse("accounts:account", args=["demo"]))
    assert group_rows(response) == {"web": {"live": 1, "running": 1, "off": 0, "deleted": 0}}


def test_account_not_visible_is_not_found(demo_client):
    response, calls = get_counted(demo_client, reverse("accounts:account", args=["other"]))
    assert response.status_code == 404
    assert calls == 1
    assert "Not found, or not visible to your BigV user." in text(response)


def test_group_page_shows_the_vm_table(demo_client):
    response, calls = get_counted(demo_client, reverse("accounts:group", args=["demo", "db"]))
    assert response.status_code == 200
    assert calls == 1
    assert vm_names(response) == ["db-replica", "db1", "db2"]
    page = text(response)
    assert 'href="/accounts/demo/groups/db/vms/db1/"' in page  # the VM page
    assert '<td class="num">8 GiB</td>' in page  # db1 memory
    assert '<td class="num">450 GiB</td>' in page  # db1 discs: 50 GiB + 400 GiB
    assert "db1.db.demo.uk0.bigv.io" in page
    assert "badge-off" in page and "badge-on" in page
    assert '<a href="/accounts/demo/groups/db/" aria-current="page">db</a>' in page
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page


def test_group_page_for_viewer_and_invisible_group(viewer_client):
    response = viewer_client.get(reverse("accounts:group", args=["demo", "web"]))
    assert vm_names(response) == ["web1"]
    hidden = viewer_client.get(reverse("accounts:group", args=["demo", "db"]))
    assert hidden.status_code == 404


def test_group_empty_state(demo_client, sim):
    sim_call(sim, "POST", "/populate", {"account": "demo", "group": "empty", "vms": 0})
    page = text(demo_client.get(reverse("accounts:group", args=["demo", "empty"])))
    assert "This group has no virtual machines." in page
    assert "<table" not in page


def test_all_vms_lists_every_visible_vm_with_account_and_group(demo_client):
    response, calls = get_counted(demo_client, reverse("accounts:all_vms"))
    assert response.status_code == 200
    assert calls == 1
    assert vm_names(response) == DEMO_LIVE
    page = text(response)
    assert '<td><a href="/accounts/demo/groups/web/">web</a></td>' in page
    assert '<td><a href="/accounts/demo/">demo</a></td>' in page
    assert "app1" not in page and "other" not in page


def test_all_vms_for_viewer(viewer_client):
    response = viewer_client.get(reverse("accounts:all_vms") + "?deleted=1")
    assert vm_names(response) == ["web1"]
    assert "other" not in text(response)


def test_one_api_call_is_checked_against_the_simulator_log(demo_client, sim):
    since = sim_requests(sim)[1]
    demo_client.get(reverse("accounts:all_vms") + "?deleted=1&power=off&sort=memory&dir=desc")
    requests = [r for r in sim_requests(sim, since)[0] if not r["path"].startswith("/_sim")]
    assert [(r["method"], r["path"]) for r in requests] == [("GET", "/accounts")]
    assert "view=overview" in requests[0]["query"]
    assert "include_deleted=true" in requests[0]["query"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/accounts/demo/",
        "/accounts/demo/groups/default/",
        "/accounts/demo/groups/default/?deleted=1",
        "/accounts/demo/groups/default/?power=off&zone=york&profile=virtio2013&q=b",
        "/accounts/demo/groups/default/?sort=memory&dir=desc&deleted=1",
        "/vms/",
        "/vms/?deleted=1",
        "/vms/?account=demo&group=web&sort=disc&dir=desc&q=web",
    ],
)
def test_each_list_page_is_exactly_one_api_call(demo_client, url):
    response, calls = get_counted(demo_client, url)
    assert response.status_code == 200
    assert calls == 1
    # A reload asks BigV again, page or fragment; the VM tables otherwise reuse what they
    # read a moment ago (panel.core.read_cache, tested in tests/core/test_read_cache.py).
    _, htmx_calls = get_counted(demo_client, url, HTTP_CACHE_CONTROL="max-age=0", **HTMX)
    assert htmx_calls == 1


def test_server_error_gives_a_retry_message(demo_client, sim):
    add_fault(sim, method="GET", path="^/accounts", action="status", status=500, times=None)
    response = demo_client.get(reverse("accounts:group", args=["demo", "web"]))
    assert response.status_code == 502
    page = text(response)
    assert "BigV is not answering right now" in page
    assert "Try again" in page


def test_unauthorized_gives_a_reconnect_prompt(demo_client, sim):
    add_fault(sim, method="GET", path="^/accounts", action="status", status=401, times=1)
    response = demo_client.get(reverse("home"))
    assert response.status_code == 401
    assert reverse("credentials:connection") in text(response)
