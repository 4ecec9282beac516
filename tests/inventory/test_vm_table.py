"""Sorting, filtering, searching and "show deleted" on the one overview response; htmx
requests get the table fragment only."""

from __future__ import annotations

import re

import pytest

from tests.credentials.helpers import sim_call
from tests.inventory.helpers import HTMX, sim_vm_id, text, vm_names

pytestmark = pytest.mark.django_db

DEFAULT = "/accounts/demo/groups/default/"


def test_deleted_vms_are_hidden_until_asked_for(demo_client):
    assert "staging" not in vm_names(demo_client.get(DEFAULT))
    response = demo_client.get(DEFAULT + "?deleted=1")
    assert vm_names(response) == ["bastion", "builder", "legacy", "mail", "monitor", "staging"]
    page = text(response)
    assert '<tr class="vm-row is-deleted" data-vm="staging">' in page
    assert '<span class="badge badge-deleted">Deleted</span>' in page
    # Undelete and purge live on the VM page: the deleted VM links there.
    assert 'href="/accounts/demo/groups/default/vms/staging/"' in page


def test_sort_by_memory_descending_then_by_name(demo_client):
    response = demo_client.get(DEFAULT + "?sort=memory&dir=desc&zone=york")
    # builder 4 GiB, mail 2 GiB, then the 1 GiB VMs by name.
    assert vm_names(response) == ["builder", "mail", "bastion", "legacy", "monitor"]
    page = text(response)
    assert 'aria-sort="descending"' in page
    # Clicking the sorted header again reverses it; other filters are kept in the link.
    assert 'href="/accounts/demo/groups/default/?sort=memory&amp;dir=asc&amp;zone=york"' in page
    assert 'hx-get="/accounts/demo/groups/default/?sort=cores&amp;dir=asc&amp;zone=york"' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=name&dir=desc", ["monitor", "mail", "legacy", "builder", "bastion"]),
        ("sort=power", ["bastion", "mail", "monitor", "builder", "legacy"]),
        ("sort=disc&dir=desc", ["mail", "builder", "bastion", "legacy", "monitor"]),
        ("sort=profile&dir=desc", ["bastion", "builder", "mail", "monitor", "legacy"]),
        ("sort=cores", ["bastion", "legacy", "mail", "monitor", "builder"]),
        ("sort=bogus", ["bastion", "builder", "legacy", "mail", "monitor"]),
    ],
)
def test_sort_columns(demo_client, query, expected):
    assert vm_names(demo_client.get(f"{DEFAULT}?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("power=off", ["builder", "legacy"]),
        ("power=running", ["bastion", "mail", "monitor"]),
        ("power=deleted", ["staging"]),  # implies fetching deleted VMs
        ("profile=compatibility2013", ["legacy"]),
        ("zone=york", ["bastion", "builder", "legacy", "mail", "monitor"]),
        ("zone=manchester", []),
        ("q=MAIL", ["mail"]),  # case-insensitive name substring
        ("q=bastion.default.demo", ["bastion"]),  # hostname
        ("q=st&deleted=1", ["bastion", "staging"]),
    ],
)
def test_filters_and_search(demo_client, query, expected):
    assert vm_names(demo_client.get(f"{DEFAULT}?{query}")) == expected


def test_search_by_ip_address(demo_client, sim):
    from panel.credentials.clients import client_with_token

    web = client_with_token("apikey.demo-key").group("demo", "web", overview=True)
    web1 = next(vm for vm in web.virtual_machines if vm.name == "web1")
    assert len(web1.ips) >= 2  # a primary address and the seeded extra one
    for ip in web1.ips:
        assert vm_names(demo_client.get("/vms/", {"q": ip})) == ["web1"]


def test_no_match_empty_state(demo_client):
    page = text(demo_client.get(DEFAULT + "?q=nothing-like-this"))
    assert "No virtual machines match these filters." in page
    assert "Showing 0 of 5 virtual machines" in page


def test_all_vms_account_and_group_filters(demo_client):
    response = demo_client.get("/vms/?account=demo&group=web&sort=name&dir=desc")
    assert vm_names(response) == ["web3", "web2", "web1"]
    assert vm_names(demo_client.get("/vms/?account=other")) == []
    assert vm_names(demo_client.get("/vms/?sort=group&power=off")) == ["db2", "builder", "legacy"]


def test_htmx_gets_the_table_fragment_only(demo_client):
    response = demo_client.get(DEFAULT + "?power=off", **HTMX)
    page = text(response)
    assert page.lstrip().startswith('<div id="vm-table"')
    assert "<html" not in page and 'id="vm-filters"' not in page
    assert vm_names(response) == ["builder", "legacy"]
    assert "HX-Request" in response["Vary"]
    # The full page keeps working without JavaScript.
    full = text(demo_client.get(DEFAULT + "?power=off"))
    assert "<html" in full and 'id="vm-filters"' in full and 'id="vm-table"' in full


def test_htmx_history_restore_gets_the_full_page(demo_client):
    page = text(demo_client.get(DEFAULT, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX))
    assert "<html" in page


def test_all_vms_htmx_fragment(demo_client):
    page = text(demo_client.get("/vms/?group=db", **HTMX))
    assert page.lstrip().startswith('<div id="vm-table"')
    assert "db-replica" in page and "web1" not in page


def test_filter_form_works_as_plain_get_and_with_htmx(demo_client):
    page = text(demo_client.get(DEFAULT + "?zone=york&deleted=1&power=off"))
    assert 'hx-get="/accounts/demo/groups/default/"' in page
    assert 'hx-trigger="input changed delay:300ms, change"' in page
    assert 'hx-push-url="true"' in page
    assert 'method="get" action="/accounts/demo/groups/default/"' in page
    assert '<option value="off" selected>Off</option>' in page
    assert '<option value="york" selected>york</option>' in page
    assert 'name="deleted" value="1" checked' in page


def test_api_strings_are_escaped(demo_client, sim):
    markup = "<img src=x onerror=alert(1)>"
    vm_id = sim_vm_id(sim, "demo", "default", "mail")
    sim_call(sim, "PATCH", f"/vms/{vm_id}", {"hardware_profile": markup, "zone_name": markup})
    for url in (DEFAULT, "/vms/"):
        page = text(demo_client.get(url))
        assert markup not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize(("path", "place"), [(DEFAULT, False), ("/vms/", True)])
def test_a_heading_over_every_column_of_the_rows(demo_client, path, place):
    page = text(demo_client.get(path))
    headings = re.findall(r'<th scope="col" class="sortable col-([a-z]+)', page)
    expected = ["name", "power", "cores", "memory", "disc", "zone", "profile", "hostname", "ip"]
    assert headings == ([*expected[:2], "account", "group", *expected[2:]] if place else expected)
    row = page[page.index('<tr class="vm-row"') :]
    row = row[: row.index("</tr>")]
    # The row's cells after its checkbox: the name (a th) and one td per other column.
    assert row.count("<td") - 1 + row.count("<th") == len(headings)
