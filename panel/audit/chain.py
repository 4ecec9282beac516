"""The hash chain: serialised appends, each entry HMAC-linked to the one before it.

``entry_hash = HMAC-SHA256(PANEL_AUDIT_KEY, prev_hash || canonical_json(entry))``. The key
lives in the environment, not the database, so whoever can write the table can delete or edit
rows but cannot make the chain verify again afterwards.

Appends are serialised so that two workers never both extend the same head (a fork):

* PostgreSQL: ``pg_advisory_xact_lock`` inside the append transaction; it is released at
  commit, after the new head is visible, so the next writer reads it.
* SQLite: the settings open every transaction with ``BEGIN IMMEDIATE``, which takes the
  database's single write lock before the head is read (a system check in ``apps.py`` insists
  on it).

``seq`` and ``prev_hash`` are unique as a backstop: if the lock were ever lost, a second
writer would fail with IntegrityError rather than fork the chain silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import NotSupportedError, connections, models, transaction

from panel.audit.checkpoint import write_checkpoint
from panel.audit.models import AuditEntry
from panel.audit.redaction import Redactor, clean_text

GENESIS_HASH = "0" * 64
# Any constant shared by every process; "pnlaudit" in ASCII, well inside a signed bigint.
_PG_LOCK_ID = 0x706E6C6175646974

# Every content field, in no particular order (the JSON is sorted). entry_hash is the output.
HASHED_FIELDS: tuple[str, ...] = (
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "source_ip",
    "request_id",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "params",
    "before",
    "after",
    "outcome",
    "api_status",
    "api_error",
    "operation_id",
    "step",
    "prev_hash",
)
_CREATED_AT = HASHED_FIELDS.index("created_at")

CONTENT_DEFAULTS: dict[str, Any] = {
    "actor_id": None,
    "actor_username": "",
    "source_ip": None,
    "request_id": "-",
    "action": "",
    "target_type": "",
    "target_id": "",
    "target_label": "",
    "params": {},
    "before": None,
    "after": None,
    "outcome": "",
    "api_status": None,
    "api_error": "",
    "operation_id": "",
    "step": "",
}


def audit_key() -> bytes:
    key = getattr(settings, "PANEL_AUDIT_KEY", "")
    if not key:
        raise ImproperlyConfigured("PANEL_AUDIT_KEY is not set: the audit chain needs its key")
    return key.encode() if isinstance(key, str) else bytes(key)


def format_created_at(value: dt.datetime) -> str:
    # Fixed format with microseconds always present: isoformat() drops ".000000", and the
    # database may hand back a different tzinfo object for the same instant.
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(values: Iterable[Any]) -> str:
    """The hash input for one entry, from its values in ``HASHED_FIELDS`` order."""
    data = dict(zip(HASHED_FIELDS, values, strict=True))
    data["created_at"] = format_created_at(data["created_at"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(key: bytes, prev_hash: str, canonical: str) -> str:
    # surrogatepass: verification must report, never crash on, whatever a tamperer wrote.
    message = prev_hash.encode("utf-8", "surrogatepass") + canonical.encode(
        "utf-8", "surrogatepass"
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def entry_values(entry: AuditEntry) -> list[Any]:
    return [getattr(entry, name) for name in HASHED_FIELDS]


def append(content: Mapping[str, Any], *, using: str = "default") -> AuditEntry:
    """Append one entry (content already redacted and normalised by the recorder)."""
    key = audit_key()
    with transaction.atomic(using=using):
        _lock(using)
        seq, prev_hash = _head(using)
        entry = AuditEntry(**_seal(key, content, seq + 1, prev_hash, _now()))
        # The model's own manager refuses bulk_create so that nothing writes around the
        # chain; this plain queryset is the one sanctioned way in (and returns the new pk).
        models.QuerySet[AuditEntry](model=AuditEntry, using=using).bulk_create([entry])
        transaction.on_commit(partial(write_checkpoint, entry.seq, entry.entry_hash), using=using)
    return entry


def append_many(
    rows: Iterable[Mapping[str, Any]], batch: int = 5000, *, using: str = "default"
) -> int:
    """Bulk path for tests and benchmarks: chain and insert rows ``batch`` at a time.

    Rows use model field names; missing fields take ``CONTENT_DEFAULTS`` and ``created_at``
    defaults to now. Values are normalised (not validated against the vocabulary): this is for
    building large chains quickly, not a second way for services to write. Rows go in with
    COPY (PostgreSQL) or ``executemany`` (SQLite) rather than ``bulk_create``, whose
    per-value SQL compilation would take most of the time for 100,000 rows.
    """
    key = audit_key()
    normalise = Redactor()
    total = 0
    for chunk in _batches(rows, batch):
        with transaction.atomic(using=using):
            _lock(using)
            seq, prev_hash = _head(using)
            sealed = []
            for row in chunk:
                content = {**CONTENT_DEFAULTS, **row}
                for field in ("params", "before", "after"):
                    content[field] = normalise.value(content[field])
                seq += 1
                fields = _seal(key, content, seq, prev_hash, row.get("created_at") or _now())
                prev_hash = fields["entry_hash"]
                sealed.append(fields)
            _insert_many(sealed, using)
            transaction.on_commit(partial(write_checkpoint, seq, prev_hash), using=using)
        total += len(sealed)
    return total


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def lock(using: str = "default") -> None:
    """Take the append lock for the rest of the caller's transaction (sealing intents needs
    it before it looks at them; see intents.py)."""
    _lock(using)


def _lock(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_ID])
    elif connection.vendor != "sqlite":
        # Other backends would need their own lock; refuse rather than risk a fork.
        raise NotSupportedError(f"audit chain appends are not supported on {connection.vendor}")


def _head(using: str) -> tuple[int, str]:
    head = AuditEntry.objects.using(using).order_by("-seq").values_list("seq", "entry_hash").first()
    return head if head is not None else (0, GENESIS_HASH)


def _seal(
    key: bytes, content: Mapping[str, Any], seq: int, prev_hash: str, created_at: dt.datetime
) -> dict[str, Any]:
    """The stored fields of a new entry, entry_hash included."""
    fields = {name: content.get(name, CONTENT_DEFAULTS.get(name)) for name in HASHED_FIELDS}
    fields.update(seq=seq, prev_hash=prev_hash, created_at=created_at)
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = clean_text(value)
    canonical = canonical_json(fields[name] for name in HASHED_FIELDS)
    fields["entry_hash"] = compute_hash(key, prev_hash, canonical)
    return fields


_COLUMNS = (*HASHED_FIELDS, "entry_hash")


def _insert_many(sealed: list[dict[str, Any]], using: str) -> None:
    connection = connections[using]
    ops = connection.ops
    table = ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(ops.quote_name(name) for name in _COLUMNS)  # attnames = column names
    placeholders = ", ".join(["%s"] * len(_COLUMNS))
    json_fields = {"params", "before", "after"}

    def adapt(name: str, value: Any) -> Any:
        # The same adaptations the ORM applies for these field types.
        if value is None:
            return None
        if name in json_fields:
            return ops.adapt_json_value(value, None)
        if name == "created_at":
            return ops.adapt_datetimefield_value(value)
        return value

    params = [[adapt(name, fields[name]) for name in _COLUMNS] for fields in sealed]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than executemany for thousands of rows.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, params)


def _batches(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
