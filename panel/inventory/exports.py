"""A VM table as a file: CSV or JSON of exactly the rows the table shows, in its order.

The rows are the listing the page would draw (same read, same filters and sort), written as
they are turned into text: the response streams, so a table of thousands of VMs is never
held twice. Every export is written to the audit trail first (what was exported, how it was
filtered, how many rows) — a list of a team's machines and addresses leaving the panel is
worth a record even though nothing in BigV changed.

CSV is for spreadsheets, which run a cell that begins with ``= + - @`` (or a tab or carriage
return) as a formula: such a cell is written with a leading apostrophe, so it shows as the
text it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from panel import audit
from panel.audit import Action, Outcome, Target
from panel.core.actor import Actor
from panel.credentials.clients import PanelClient
from panel.inventory import selectors
from panel.inventory.table import VmListing, VmQuery, VmRow

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
COLUMNS: tuple[str, ...] = (
    "name",
    "account",
    "group",
    "state",
    "cores",
    "memory_mib",
    "disc_total_mib",
    "discs",
    "zone",
    "hardware_profile",
    "hostname",
    "ip",
    "ips",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ROWS_PER_CHUNK = 200  # one write to the socket per this many rows, not one per row


def row_record(row: VmRow) -> dict[str, Any]:
    """One VM as the export writes it (JSON as is; CSV flattens the lists)."""
    vm = row.vm
    return {
        "name": vm.name,
        "account": row.account,
        "group": row.group,
        "state": row.state,
        "cores": vm.cores,
        "memory_mib": vm.memory,
        "disc_total_mib": vm.total_disc_mib,
        "discs": [
            {"label": d.label, "size_mib": d.size, "storage_grade": d.storage_grade}
            for d in vm.discs
        ],
        "zone": vm.zone_name or "",
        "hardware_profile": vm.hardware_profile or "",
        "hostname": vm.hostname or "",
        "ip": row.ipv4,  # the table's IP column: the primary IPv4
        "ips": list(vm.ips),  # every address, IPv6 and additional ones included
    }


def formula_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_cells(record: dict[str, Any]) -> list[Any]:
    flat = dict(record)
    flat["discs"] = "; ".join(
        f"{d['label']} {d['size_mib']} MiB {d['storage_grade']}" for d in record["discs"]
    )
    flat["ips"] = " ".join(record["ips"])
    return [formula_safe(flat[name]) for name in COLUMNS]


def csv_chunks(rows: Iterable[VmRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for count, row in enumerate(rows, start=1):
        writer.writerow(_csv_cells(row_record(row)))
        if count % _ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def json_chunks(rows: Iterable[VmRow]) -> Iterator[str]:
    """A JSON array, one VM per line. ``ensure_ascii``: control and bidi characters in a
    name arrive escaped, never live in a terminal that prints the file."""
    parts = ["["]
    for count, row in enumerate(rows):
        parts.append(("," if count else "") + "\n" + json.dumps(row_record(row), ensure_ascii=True))
        if len(parts) >= _ROWS_PER_CHUNK:
            yield "".join(parts)
            parts = []
    parts.append("\n]\n")
    yield "".join(parts)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


@dataclass(frozen=True)
class Export:
    filename: str
    content: Iterator[bytes]


def group_export(
    *, actor: Actor, client: PanelClient, account: str, group: str, query: VmQuery, fmt: str
) -> Export:
    """One group's VM table as a file (the page's read, from the read cache when recent)."""
    found = selectors.group_vm_listing(client=client, account=account, group=group, query=query)
    target = Target.group(found.group.id, found.group.name, account)
    content = _recorded(actor=actor, listing=found.listing, fmt=fmt, target=target)
    return Export(f"vms-{_plain(account)}-{_plain(found.group.name)}-{_stamp()}.{fmt}", content)


def all_vms_export(*, actor: Actor, client: PanelClient, query: VmQuery, fmt: str) -> Export:
    """The all-VMs table (every account the person can see, or the one it is filtered to)."""
    listing = selectors.all_vm_listing(client=client, query=query)
    target = Target("vm_table", "", "all virtual machines")
    content = _recorded(actor=actor, listing=listing, fmt=fmt, target=target)
    return Export(f"vms-all-{_stamp()}.{fmt}", content)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")


def _plain(name: str) -> str:
    """A name as it may stand in a Content-Disposition filename: BigV's names are DNS
    labels already, but what the API says never reaches a header unchecked."""
    return re.sub(r"[^A-Za-z0-9-]+", "_", name)[:63] or "_"


def _recorded(*, actor: Actor, listing: VmListing, fmt: str, target: Target) -> Iterator[bytes]:
    """Record the export, then return the file's content as it is written. The audit entry
    carries the filters and sort in force and the number of rows."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    audit.record(
        actor=actor,
        action=Action.INVENTORY_EXPORT,
        outcome=Outcome.SUCCEEDED,
        target=target,
        params={"format": fmt, "rows": len(listing.rows), "query": _query_params(listing.query)},
    )
    chunks = csv_chunks(listing.rows) if fmt == "csv" else json_chunks(listing.rows)
    return (chunk.encode() for chunk in chunks)


def _query_params(query: VmQuery) -> dict[str, Any]:
    """The filters and sort that were in force, without the ones left empty."""
    return {key: value for key, value in asdict(query).items() if value not in ("", False)}
