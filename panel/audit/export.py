"""CSV and JSON Lines export of a filtered set, streamed row by row.

The queryset is read with ``iterator(chunk_size=…)`` (a server-side cursor on PostgreSQL,
chunked fetches on SQLite) and written as it is read, so 100,000 rows never sit in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from panel.audit.models import AuditEntry

FIELDS: tuple[str, ...] = (
    "seq",
    "created_at",
    "actor_username",
    "actor_id",
    "source_ip",
    "request_id",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "target_label",
    "operation_id",
    "step",
    "api_status",
    "api_error",
    "params",
    "before",
    "after",
    "prev_hash",
    "entry_hash",
)
_JSON_FIELDS = frozenset({"params", "before", "after"})
_CHUNK = 2000
_ROWS_PER_WRITE = 500  # one socket write per few hundred rows, not per row
# A spreadsheet runs a cell that starts with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def export_response(entries: QuerySet[AuditEntry], fmt: str) -> StreamingHttpResponse:
    rows = _rows(entries)
    content = csv_lines(rows) if fmt == "csv" else jsonl_lines(rows)
    response = StreamingHttpResponse(_grouped(content), content_type=CONTENT_TYPES[fmt])
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(FIELDS)
    for row in rows:
        yield writer.writerow([_csv_cell(name, row[name]) for name in FIELDS])


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        # ensure_ascii: every control, bidi or odd character arrives as a \\u escape, so a
        # line printed to a terminal cannot carry a live escape sequence.
        yield json.dumps(row, ensure_ascii=True, separators=(",", ":")) + "\n"


def _rows(entries: QuerySet[AuditEntry]) -> Iterator[dict[str, Any]]:
    for values in entries.values_list(*FIELDS).iterator(chunk_size=_CHUNK):
        row = dict(zip(FIELDS, values, strict=True))
        row["created_at"] = row["created_at"].astimezone(dt.UTC).isoformat()
        yield row


def _csv_cell(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS:
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _grouped(lines: Iterator[str]) -> Iterator[bytes]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= _ROWS_PER_WRITE:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()
