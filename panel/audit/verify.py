"""Walk the chain and report the first entry that does not verify.

One pass in seq order, streamed in chunks (constant memory). For each entry, in this order:

1. its HMAC over its own content and ``prev_hash`` — else the content was altered, or the row
   was forged by someone without the key;
2. its seq follows the previous one — else entries were deleted before it;
3. its ``prev_hash`` is the previous entry's hash — else an entry before it was deleted,
   inserted or moved.

Then the checkpoints (read *before* the walk, so everything they name was committed before
the walk's snapshot): each checkpointed seq must exist with the checkpointed hash, else the
tail was deleted or rewritten after the checkpoint was written.

Last, whether the checkpoints protect the whole chain (``VerifyResult.checkpoint``): every
process that appends writes the checkpoint of *its* machine, so with processes on several
machines there are several files, and the newest of them must reach the chain's head. A
missing file, or a newest checkpoint behind the head, leaves the newest entries open to
undetected deletion; that does not make the chain itself broken (``ok`` stays true), and
``manage.py audit_verify`` decides what it means for its exit status.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from django.db import connections, transaction

from panel.audit.chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    audit_key,
    canonical_json,
    compute_hash,
)
from panel.audit.checkpoint import Checkpoint, checkpoint_path, read_checkpoint
from panel.audit.models import AuditEntry

_SEQ = HASHED_FIELDS.index("seq")
_PREV = HASHED_FIELDS.index("prev_hash")
# An append commits before its process writes the checkpoint line: a head newer than every
# checkpoint may be seconds old at most. Re-read the files for this long before calling the
# checkpoint behind.
SETTLE_SECONDS = 1.0
_SETTLE_STEP = 0.05


class CheckpointState(StrEnum):
    CURRENT = "current"  # the newest checkpoint names the head (or the chain is empty)
    MISSING = "missing"  # a checkpoint file is absent (or holds no line) though entries exist
    BEHIND = "behind"  # the newest checkpoint is older than the head
    SKIPPED = "skipped"  # not checked: no checkpoint given (``--no-checkpoint``)


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    count: int
    head_seq: int | None
    seconds: float
    head_hash: str = ""
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    checkpoint: CheckpointState = CheckpointState.CURRENT
    checkpoint_seq: int | None = None  # the newest checkpointed seq, when there is one
    checkpoint_detail: str = ""  # why the checkpoint is missing or behind

    @property
    def warnings(self) -> list[str]:
        """What weakens the result without breaking the chain, the checkpoint's state first."""
        problem = self.checkpoint in (CheckpointState.MISSING, CheckpointState.BEHIND)
        return [self.checkpoint_detail, *self.notes] if problem else list(self.notes)

    def summary(self) -> str:
        if self.ok:
            return (
                f"OK: {self.count} entries, head seq {self.head_seq}, "
                f"verified in {self.seconds:.2f} s"
            )
        where = f"id {self.broken_id}" if self.broken_id is not None else "entry missing"
        return f"BROKEN at seq {self.broken_seq} ({where}): {self.reason}"


def verify_chain(
    *,
    using: str = "default",
    chunk_size: int = 5000,
    checkpoints: Sequence[Path | str] | None = None,
    settle_seconds: float = SETTLE_SECONDS,
) -> VerifyResult:
    """Verify the chain against ``checkpoints`` (default: this machine's
    ``PANEL_AUDIT_CHECKPOINT``; an empty sequence checks none)."""
    paths = [checkpoint_path()] if checkpoints is None else [Path(p) for p in checkpoints]
    # On PostgreSQL, walk inside a transaction: outside one, Django's server-side cursor is
    # WITH HOLD and the server materialises the whole result before the first row. Not on
    # SQLite, where BEGIN IMMEDIATE would block every writer for the length of the walk.
    if connections[using].vendor == "postgresql":
        with transaction.atomic(using=using):
            result = _verify(using, chunk_size, paths)
    else:
        result = _verify(using, chunk_size, paths)
    if result.ok:
        _judge_checkpoints(result, paths, settle_seconds)
    return result


def _verify(using: str, chunk_size: int, paths: list[Path]) -> VerifyResult:
    started = time.perf_counter()
    read = {path: read_checkpoint(path) for path in paths}
    expected: dict[int, list[tuple[Path, str]]] = {}
    for path, checkpoint in read.items():
        if checkpoint is not None:
            expected.setdefault(checkpoint.seq, []).append((path, checkpoint.entry_hash))
    key = audit_key()
    rows = (
        AuditEntry.objects.using(using)
        .order_by("seq")
        .values_list("id", "entry_hash", *HASHED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    several = len(paths) > 1

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
        for path, checkpointed in expected.get(seq, ()):
            if entry_hash != checkpointed:
                return broken(
                    seq,
                    entry_id,
                    "checkpoint mismatch: entry replaced after checkpoint"
                    + (f" {path}" if several else ""),
                )
        prev_hash, expected_seq, count = entry_hash, seq + 1, count + 1

    present = [(path, cp) for path, cp in read.items() if cp is not None]
    if present:
        path, newest = max(present, key=lambda item: item[1].seq)
        if newest.seq >= expected_seq:
            return broken(
                expected_seq,
                None,
                f"checkpoint missing entry: the checkpoint records seq {newest.seq} but the "
                f"table ends at seq {expected_seq - 1} (tail deleted/altered after checkpoint"
                + (f" {path})" if several else ")"),
            )
    return VerifyResult(
        ok=True,
        count=count,
        head_seq=expected_seq - 1 if count else None,
        seconds=time.perf_counter() - started,
        head_hash=prev_hash if count else "",
        checkpoint_seq=max((cp.seq for _, cp in present), default=None),
    )


def _judge_checkpoints(result: VerifyResult, paths: list[Path], settle_seconds: float) -> None:
    """Set ``result.checkpoint``: do the checkpoints reach the head the walk saw?"""
    if not paths:
        result.checkpoint = CheckpointState.SKIPPED
        return
    if not result.count:
        return  # nothing to protect yet
    head = result.head_seq or 0
    absent = [path for path in paths if read_checkpoint(path) is None]
    if absent:
        result.checkpoint = CheckpointState.MISSING
        names = ", ".join(str(path) for path in absent)
        result.checkpoint_detail = (
            f"no checkpoint at {names}: deletion of the newest entries cannot be detected"
        )
        return

    def covers(checkpoint: Checkpoint | None) -> bool:
        # A line written after the walk's snapshot names a later seq; one of the head itself
        # must carry its hash.
        if checkpoint is None:
            return False
        return checkpoint.seq > head or (
            checkpoint.seq == head and checkpoint.entry_hash == result.head_hash
        )

    deadline = time.monotonic() + settle_seconds
    while True:
        newest = [read_checkpoint(path) for path in paths]
        if any(covers(checkpoint) for checkpoint in newest):
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(_SETTLE_STEP)
    # (A late line naming the head with another hash is left for the next run, which reads it
    # before its walk and reports the mismatch.)
    seqs = [cp.seq for cp in newest if cp is not None and cp.seq < head]
    newest_seq = max(seqs, default=result.checkpoint_seq or 0)
    result.checkpoint = CheckpointState.BEHIND
    result.checkpoint_seq = newest_seq
    result.checkpoint_detail = (
        f"checkpoint behind the chain: the newest checkpoint records seq {newest_seq} but the "
        f"chain ends at seq {head}: deletion of the entries after seq {newest_seq} cannot be "
        "detected"
    )
