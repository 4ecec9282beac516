"""The VM tables' IP column, and their CSV and JSON exports: the rows the table shows, in its
order, streamed, formula-safe, audited."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse

from panel.audit.models import AuditEntry
from tests.inventory.helpers import HTMX, get_counted, sim_vm_id, text, vm_names
from tests.vms.helpers import sim_patch

pytestmark = pytest.mark.django_db

DEFAULT = "/accounts/demo/groups/default/"
QUERY = "?power=running&sort=memory&dir=desc"


def _body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)  # streamed, not built in memory
    return b"".join(response.streaming_content).decode()


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_body(response))))


def test_the_ip_column_shows_the_primary_ipv4_and_sorts_by_number(demo_client, sim):
    page = demo_client.get("/accounts/demo/groups/web/")
    assert '<td class="mono ip">192.0.2.2</td>' in text(page)  # web1's first IPv4 on its NIC
    assert "192.0.2.16" not in text(page)  # an additional (routed) address is not "the" IP
    assert 'class="sortable col-ip"' in text(page)
    # 192.0.2.8 … 192.0.2.12: numerically, not as text (where "10" < "8").
    assert vm_names(demo_client.get(DEFAULT + "?sort=ip")) == [
        "mail",
        "monitor",
        "builder",
        "bastion",
        "legacy",
    ]


def test_csv_export_is_what_the_table_shows_with_its_filter_and_sort(demo_client):
    shown = vm_names(demo_client.get(DEFAULT + QUERY))
    assert shown == ["mail", "bastion", "monitor"]
    # The table links its exports with the same query.
    fragment = text(demo_client.get(DEFAULT + QUERY, **HTMX))
    assert (
        'href="/accounts/demo/groups/default/export.csv?power=running&amp;sort=memory' in fragment
    )

    response, calls = get_counted(demo_client, f"{DEFAULT}export.csv{QUERY}")
    assert response.status_code == 200 and calls <= 1
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="vms-demo-default-')
    assert response["Cache-Control"] == "no-store"
    rows = _csv(response)
    assert [r["name"] for r in rows] == shown
    mail = rows[0]
    assert mail["account"] == "demo" and mail["group"] == "default"
    assert mail["state"] == "running" and mail["memory_mib"] == "2048"
    assert mail["hostname"] == "mail.default.demo.uk0.bigv.io"
    assert mail["ip"] == "192.0.2.8"
    assert mail["ips"] == "192.0.2.8 2001:db8:0:7::1"
    assert mail["zone"] and mail["hardware_profile"] and mail["cores"].isdigit()
    assert "MiB" in mail["discs"] and int(mail["disc_total_mib"]) > 0


def test_json_export_matches_the_all_vms_table(demo_client):
    query = "?account=demo&group=web&sort=name&dir=desc"
    shown = vm_names(demo_client.get("/vms/" + query))
    response = demo_client.get("/vms/export.json" + query)
    assert response["Content-Type"] == "application/json"
    rows = json.loads(_body(response))
    assert [r["name"] for r in rows] == shown == ["web3", "web2", "web1"]
    web1 = rows[-1]
    assert web1["ip"] == "192.0.2.2"
    assert web1["ips"] == ["192.0.2.2", "2001:db8:0:1::1", "192.0.2.16"]
    assert {d["storage_grade"] for d in web1["discs"]} and web1["discs"][0]["size_mib"] > 0
    columns = "name account group state cores memory_mib disc_total_mib discs zone"
    assert set(web1) == {*columns.split(), "hardware_profile", "hostname", "ip", "ips"}


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(demo_client, sim):
    vm_id = sim_vm_id(sim, "demo", "default", "mail")
    sim_patch(sim, vm_id, hardware_profile='=HYPERLINK("https://evil.example","x")')
    sim_patch(sim, vm_id, zone_name="@SUM(1+1)")
    rows = _csv(demo_client.get(f"{DEFAULT}export.csv?q=mail&fresh=1"))
    assert rows[0]["hardware_profile"] == '\'=HYPERLINK("https://evil.example","x")'
    assert rows[0]["zone"] == "'@SUM(1+1)"
    # JSON is data, not a spreadsheet: it keeps the value as BigV gave it.
    data = json.loads(_body(demo_client.get(f"{DEFAULT}export.json?q=mail")))
    assert data[0]["zone"] == "@SUM(1+1)"


def test_an_export_is_audited_with_its_filters(demo_client):
    _body(demo_client.get(f"{DEFAULT}export.csv{QUERY}"))
    entry = AuditEntry.objects.filter(action="inventory.export").get()
    assert entry.outcome == "succeeded" and entry.actor_username == "dana"
    assert entry.target_type == "group" and entry.target_label == "default in demo"
    assert entry.params == {
        "format": "csv",
        "rows": 3,
        "query": {"power": "running", "sort": "memory", "descending": True},
    }


def test_export_sees_only_what_the_person_can(viewer_client):
    rows = json.loads(_body(viewer_client.get("/vms/export.json?deleted=1")))
    assert [r["name"] for r in rows] == ["web1"]
    assert viewer_client.get("/vms/export.xlsx").status_code == 404
