"""The VM tables' per-user read cache, seen from the pages: sorting and filtering reuse the
listing read a moment ago; any write through the panel, a reload, the "Refresh" link, another
identity or the end of the window reads BigV again; without Redis nothing is cached."""

from __future__ import annotations

import re
import time
from typing import Any

from panel.core import read_cache
from panel.core.redis_conn import shared_redis
from tests.credentials.helpers import closed_port_url
from tests.inventory.helpers import HTMX, add_fault, connect_key, get_counted, text, vm_names
from tests.vms.helpers import sim_patch, vm_id_of, vm_url

DB = "/accounts/demo/groups/db/"
WEB = "/accounts/demo/groups/web/"
RELOAD = {"HTTP_CACHE_CONTROL": "max-age=0"}


def badge_of(response: Any, name: str) -> str:
    row = re.search(rf'<tr class="vm-row[^"]*" data-vm="{name}">(.*?)</tr>', text(response), re.S)
    assert row, name
    return re.search(r'class="badge (badge-\w+)"', row.group(1)).group(1)


def test_sorting_and_filtering_reuse_the_listing(demo_client, sim):
    page, calls = get_counted(demo_client, WEB)
    assert calls == 1
    assert re.search(r'As of <time datetime="[^"]+">\d\d:\d\d:\d\d</time>', text(page))
    for query in ("?sort=memory&dir=desc", "?power=running", "?q=web1", "?sort=name"):
        response, calls = get_counted(demo_client, WEB + query, **HTMX)
        assert (response.status_code, calls) == (200, 0), query
    assert vm_names(get_counted(demo_client, WEB + "?q=web1", **HTMX)[0]) == ["web1"]
    # Deleted VMs are another read (BigV is asked with include_deleted).
    assert get_counted(demo_client, WEB + "?deleted=1", **HTMX)[1] == 1


def test_a_write_through_the_panel_shows_at_once(demo_client, sim):
    vm_id = vm_id_of(sim, "db2")
    assert badge_of(get_counted(demo_client, DB)[0], "db2") == "badge-off"
    form = {"vm_id": vm_id, "shown_power_on": "False", "shown_autoreboot_on": "False"}
    assert demo_client.post(vm_url("db2", "start", group="db"), form, **HTMX).status_code == 200
    response, calls = get_counted(demo_client, DB, **HTMX)
    assert calls == 1
    assert badge_of(response, "db2") == "badge-on"


def test_a_write_noted_by_another_process_invalidates(demo_client, sim, settings):
    get_counted(demo_client, DB)
    # What a Celery worker's client does after each write: the counter lives in Redis.
    shared_redis().incr(f"panel:bigv-writes:{settings.BIGV_API_URL}")
    assert get_counted(demo_client, DB, **HTMX)[1] == 1


def test_a_reload_or_refresh_reads_afresh(demo_client, sim):
    vm_id = vm_id_of(sim, "db2")
    get_counted(demo_client, DB)
    sim_patch(sim, vm_id, power_on=True)  # a change the panel did not make
    stale, calls = get_counted(demo_client, DB, **HTMX)
    assert (calls, badge_of(stale, "db2")) == (0, "badge-off")
    for extra, query in (
        (RELOAD, ""),
        ({"HTTP_CACHE_CONTROL": "no-cache", "HTTP_PRAGMA": "no-cache"}, ""),
        ({}, "?fresh=1"),
    ):
        response, calls = get_counted(demo_client, DB + query, **extra)
        assert (calls, badge_of(response, "db2")) == (1, "badge-on"), (extra, query)
    # The table's own links ask for new data once, not on every later sort.
    refreshed = text(get_counted(demo_client, DB + "?fresh=1&sort=cores")[0])
    assert 'href="/accounts/demo/groups/db/?sort=cores&amp;fresh=1"' in refreshed
    sort_links = re.findall(
        r'<th scope="col" class="sortable[^"]*"[^>]*><a href="([^"]+)"', refreshed
    )
    assert sort_links and not any("fresh" in link for link in sort_links)


def test_each_identity_reads_for_itself(demo_client, viewer_client, sim):
    assert len(vm_names(get_counted(demo_client, WEB)[0])) > 1
    response, calls = get_counted(viewer_client, WEB)
    assert (calls, vm_names(response)) == (1, ["web1"])


def test_reconnecting_as_another_bigv_user_reads_afresh(demo_client, sim):
    from django.contrib.auth import get_user_model

    assert len(vm_names(get_counted(demo_client, WEB)[0])) > 1
    connect_key(get_user_model().objects.get(username="dana"), "apikey.viewer-key")
    response, calls = get_counted(demo_client, WEB, **HTMX)
    assert (calls, vm_names(response)) == (1, ["web1"])


def test_the_listing_is_kept_only_for_the_window(demo_client, sim, settings):
    settings.READ_CACHE_SECONDS = 0.3
    get_counted(demo_client, DB)
    assert get_counted(demo_client, DB, **HTMX)[1] == 0
    time.sleep(0.4)
    assert get_counted(demo_client, DB, **HTMX)[1] == 1


def test_a_refusal_is_not_kept(demo_client, sim):
    add_fault(
        sim, method="GET", path="^/accounts/demo/groups/db$", action="status", status=500, times=1
    )
    failed, calls = get_counted(demo_client, DB)
    assert (failed.status_code, calls) == (502, 1)
    response, calls = get_counted(demo_client, DB)
    assert (response.status_code, calls) == (200, 1)


def test_without_redis_every_request_reads_bigv(demo_client, sim, settings):
    settings.REDIS_URL = closed_port_url().replace("http://", "redis://")
    try:
        for _ in range(2):
            response, calls = get_counted(demo_client, DB, **HTMX)
            assert (response.status_code, calls) == (200, 1)
    finally:
        read_cache.clear()  # forget that Redis was down


def test_the_all_vms_table_is_cached_too(demo_client, sim):
    assert get_counted(demo_client, "/vms/")[1] == 1
    assert get_counted(demo_client, "/vms/?account=demo&group=db", **HTMX)[1] == 0
    assert get_counted(demo_client, "/vms/", **RELOAD)[1] == 1
