"""The VM tables' page layout as served: as wide as the window, name and state first (they
stay in view on a phone), and the filters' fold — closed unless a filter is in force, and
without JavaScript no fold at all (the button is hidden until static/layout/layout.js runs)."""

from __future__ import annotations

import pytest

from tests.inventory.helpers import text

pytestmark = pytest.mark.django_db

GROUP = "/accounts/demo/groups/default/"


@pytest.mark.parametrize("url", [GROUP, "/vms/"])
def test_the_tables_use_the_window_and_put_name_and_state_first(demo_client, url):
    page = text(demo_client.get(url))
    assert 'class="container container-wide"' in page
    row = page.split('<tr class="vm-row"', 1)[1]
    assert row.index('class="col-name"') < row.index('class="col-state"') < row.index("num")
    assert '<link rel="stylesheet" href="/static/css/layout.css">' in page


def test_the_filters_fold_only_when_none_is_in_force(demo_client):
    plain = text(demo_client.get(GROUP))
    assert 'aria-expanded="false" hidden>Filters</button>' in plain
    assert '<div id="vm-filter-more" class="filter-more">' in plain
    filtered = text(demo_client.get(GROUP + "?zone=york"))
    assert 'aria-expanded="true" hidden>Filters</button>' in filtered
    assert '<div id="vm-filter-more" class="filter-more is-open">' in filtered
    # The search is never folded away.
    assert plain.index('id="vm-q"') < plain.index('id="vm-filter-more"')
