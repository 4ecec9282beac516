"""Walk the chain and report the first entry that does not verify.

One pass in seq order, streamed in chunks (constant memory). For each entry, in this order:

1. its HMAC over its own content and ``prev_hash`` — else the content was altered, or the row
   was forged by someone without the key;
2. its seq follows the previous one — else entries were deleted before it;
3. its ``prev_hash`` is the previous entry's hash — else an entry before it was deleted,
   inserted or moved.

Then the checkpoint (read *before* the walk, so everything it names was committed before the
walk's snapshot): the checkpointed seq must exist with the checkpointed hash, else the tail
was deleted or rewritten after the checkpoint was written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connections, transaction

from panel.audit.chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    audit_key,
    canonical_json,
    compute_hash,
)
from panel.audit.checkpoint import checkpoint_path, read_checkpoint
from panel.audit.models import AuditEntry

_SEQ = HASHED_FIELDS.index("seq")
_PREV = HASHED_FIELDS.index("prev_hash")


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    count: int
    head_seq: int | None
    seconds: float
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.ok:
            return (
                f"OK: {self.count} entries, head seq {self.head_seq}, "
                f"verified in {self.seconds:.2f} s"
            )
        where = f"id {self.broken_id}" if self.broken_id is not None else "entry missing"
        return f"BROKEN at seq {self.broken_seq} ({where}): {self.reason}"


def verify_chain(*, using: str = "default", chunk_size: int = 5000) -> VerifyResult:
    # On PostgreSQL, walk inside a transaction: outside one, Django's server-side cursor is
    # WITH HOLD and the server materialises the whole result before the first row. Not on
    # SQLite, where BEGIN IMMEDIATE would block every writer for the length of the walk.
    if connections[using].vendor == "postgresql":
        with transaction.atomic(using=using):
            return _verify(using, chunk_size)
    return _verify(using, chunk_size)


def _verify(using: str, chunk_size: int) -> VerifyResult:
    started = time.perf_counter()
    checkpoint = read_checkpoint()
    key = audit_key()
    rows = (
        AuditEntry.objects.using(using)
        .order_by("seq")
        .values_list("id", "entry_hash", *HASHED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0

    def broken(seq: int, entry_id: int | None, reason: str) -> VerifyResult:
        return VerifyResult(
            ok=False,
            count=count,
            head_seq=expected_seq - 1 or None,
            seconds=time.perf_counter() - started,
            broken_seq=seq,
            broken_id=entry_id,
            reason=reason,
        )

    for entry_id, entry_hash, *values in rows:
        seq, stored_prev = values[_SEQ], values[_PREV]
        if compute_hash(key, stored_prev, canonical_json(values)) != entry_hash:
            return broken(seq, entry_id, "hash mismatch: content altered, or entry forged")
        if seq != expected_seq:
            return broken(
                seq, entry_id, f"seq gap: expected seq {expected_seq} (entries deleted before it)"
            )
        if stored_prev != prev_hash:
            return broken(
                seq,
                entry_id,
                "prev_hash mismatch: an entry before it was deleted, inserted or reordered",
            )
        if checkpoint is not None and seq == checkpoint.seq and entry_hash != checkpoint.entry_hash:
            return broken(seq, entry_id, "checkpoint mismatch: entry replaced after checkpoint")
        prev_hash, expected_seq, count = entry_hash, seq + 1, count + 1

    if checkpoint is not None and checkpoint.seq >= expected_seq:
        return broken(
            expected_seq,
            None,
            f"checkpoint missing entry: the checkpoint records seq {checkpoint.seq} but the "
            f"table ends at seq {expected_seq - 1} (tail deleted/altered after checkpoint)",
        )
    result = VerifyResult(
        ok=True,
        count=count,
        head_seq=expected_seq - 1 if count else None,
        seconds=time.perf_counter() - started,
    )
    if checkpoint is None and count:
        result.warnings.append(
            f"no checkpoint at {checkpoint_path()}: deletion of the newest entries "
            "cannot be detected"
        )
    return result
