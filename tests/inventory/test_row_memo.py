"""The table's rows are kept by what they show (panel.inventory.rows): a group read afresh
builds again only the rows whose VM changed, and a kept row is exactly the row it stands for."""

from __future__ import annotations

import re

import pytest

from panel.inventory import rows, selectors
from tests.inventory.helpers import HTMX, text
from tests.vms.helpers import sim_call, sim_patch, vm_id_of

WEB = "/accounts/demo/groups/web/"
RELOAD = {"HTTP_CACHE_CONTROL": "max-age=0"}


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the VMs whose row was built (not taken from what was kept)."""
    monkeypatch.setattr(rows, "_made", {})
    names: list[str] = []
    build = rows._row

    def counting(row, links, show_place):  # type: ignore[no-untyped-def]
        names.append(row.vm.name)
        return build(row, links, show_place)

    monkeypatch.setattr(rows, "_row", counting)
    return names


def _row_of(page: str, name: str) -> str:
    found = re.search(rf'<tr class="vm-row[^"]*" data-vm="{name}">.*?</tr>', page, re.S)
    assert found, name
    return found.group(0)


def test_a_fresh_read_builds_only_the_rows_that_changed(demo_client, sim, built):
    first = text(demo_client.get(WEB, **RELOAD))
    assert sorted(built) == ["web1", "web2", "web3"]
    built.clear()
    again = text(demo_client.get(WEB, **RELOAD))
    assert built == []
    assert _row_of(again, "web2") == _row_of(first, "web2")

    sim_patch(sim, vm_id_of(sim, "web2"), cores=7)
    changed = text(demo_client.get(WEB, **RELOAD))
    assert built == ["web2"]
    assert '<td class="num">7</td>' in _row_of(changed, "web2")
    assert _row_of(changed, "web1") == _row_of(first, "web1")


def test_the_all_vms_table_keeps_its_own_rows(demo_client, sim, built):
    # Its rows also name the account and group: never the group page's row for the VM.
    demo_client.get(WEB, **RELOAD)
    built.clear()
    page = text(demo_client.get("/vms/", **RELOAD))
    assert {"web1", "web2", "web3"} <= set(built)
    assert 'href="/accounts/demo/groups/web/"' in _row_of(page, "web1")


def test_the_pages_and_fragments_carry_their_rows_in_place(demo_client, sim) -> None:
    # Put in after rendering (panel.web.splice): exactly once, inside the table's body, and
    # never a placeholder left in the answer.
    for url in (WEB, "/vms/"):
        for extra in ({}, HTMX):
            page = text(demo_client.get(url, **extra))
            assert "<!--piece:" not in page
            rows = re.findall(r'<tr class="vm-row[^"]*" data-vm="(web\d)">', page)
            assert sorted(rows) == ["web1", "web2", "web3"], (url, extra)
            assert page.index("<tbody") < page.index('data-vm="web1"') < page.index("</tbody>")


def test_what_is_kept_is_bounded(demo_client, sim, built, monkeypatch):
    monkeypatch.setattr(rows, "_MADE_MAX", 2)
    demo_client.get(WEB, **RELOAD)
    assert len(rows._made) <= 2
    built.clear()
    demo_client.get(WEB, **RELOAD)
    assert built  # emptied when full: some rows are built again, and the page is whole


def test_a_large_group_read_again_unchanged_reuses_its_rows(demo_client, sim, built):
    # A large answer equal to the last one is the same decoded group (panel.bigv
    # ._kept_answers), and the rows made from it are reused whole, markup and all.
    sim_call(sim, "POST", "/populate", {"account": "demo", "group": "big", "vms": 120})
    url = "/accounts/demo/groups/big/"
    first = text(demo_client.get(url, **RELOAD))
    assert len(built) == 120
    kept = {key: rows for key, (_, rows) in selectors._row_sets.items() if key[0] == "demo"}
    built.clear()
    again = text(demo_client.get(url, **RELOAD))
    assert built == []
    assert again.count('<tr class="vm-row') == first.count('<tr class="vm-row') == 120
    now = {key: rows for key, (_, rows) in selectors._row_sets.items() if key[0] == "demo"}
    assert any(now[key] is rows for key, rows in kept.items())

    name = vm_names_in(again)[5]
    sim_patch(sim, vm_id_of(sim, name), cores=7)
    changed = text(demo_client.get(url, **RELOAD))
    assert built == [name]  # a new read: the other rows still come from what was kept
    assert '<td class="num">7</td>' in _row_of(changed, name)


def test_the_kept_row_sets_are_bounded(demo_client, sim, monkeypatch):
    monkeypatch.setattr(selectors, "_row_sets", {})
    monkeypatch.setattr(selectors, "_ROWS_MAX", 4)  # web holds three VMs, db two
    demo_client.get(WEB, **RELOAD)
    assert len(selectors._row_sets) == 1
    demo_client.get("/accounts/demo/groups/db/", **RELOAD)
    assert [key[1] for key in selectors._row_sets] == [group_id(sim, "db")]


def group_id(sim, name: str) -> int:
    with sim.world.lock:
        return sim.world.group_names[sim.world.account_by_name["demo"]][name]


def vm_names_in(page: str) -> list[str]:
    return re.findall(r'<tr class="vm-row[^"]*" data-vm="([^"]+)">', page)


def test_the_rows_are_ascii(demo_client, sim):
    # Joined and encoded by copying (panel.inventory.rows): a non-ASCII character in a row
    # would make every row of a large table be transcoded.
    page = text(demo_client.get(WEB, **RELOAD))
    body = page[page.index("<tbody") : page.index("</tbody>")]
    assert vm_names_in(body) and body.isascii()
    assert "&#9679;</span> Running" in body or "&#9675;</span> Off" in body
