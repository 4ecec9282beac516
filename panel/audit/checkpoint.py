"""The head checkpoint: a record of the chain's head kept outside the table.

The chain alone cannot show that its last entries were deleted — what remains still links up.
So after each committed append the new head (``seq entry_hash``) is appended to a file (and
logged), where someone who can edit the table cannot necessarily reach; ``audit_verify``
checks that the checkpointed entry still exists with the same hash.

Lines may land slightly out of order when workers commit concurrently, so readers take the
highest seq among the last lines rather than the very last line.

The file is local to the machine: every process that appends (web, workers, the sealing task)
writes the checkpoint of the machine it runs on. With processes on several machines there is
one file per machine, and ``audit_verify --checkpoint PATH`` (once per file) checks them
together: each must match the chain, and the newest must reach its head. One shared file on a
network filesystem is not the answer — O_APPEND is not atomic over NFS.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("panel.audit.checkpoint")

_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    entry_hash: str


def checkpoint_path() -> Path:
    return Path(settings.PANEL_AUDIT_CHECKPOINT)


def write_checkpoint(seq: int, entry_hash: str) -> None:
    """Append one line; called from ``transaction.on_commit``, so it must not raise."""
    logger.info("audit head seq=%d hash=%s", seq, entry_hash)
    path = checkpoint_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND and a single write() per line: concurrent writers never interleave a line.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, f"{seq} {entry_hash}\n".encode("ascii"))
        finally:
            os.close(fd)
    except OSError:
        # The entry is committed; a lagging checkpoint only weakens tail detection, so log
        # loudly instead of failing the action that was just audited.
        logger.exception("could not write the audit checkpoint to %s", path)


def read_checkpoint(path: Path | None = None) -> Checkpoint | None:
    path = path or checkpoint_path()
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            start = max(0, size - _TAIL_BYTES)
            handle.seek(start)
            lines = handle.read().decode("ascii", "replace").splitlines()
    except FileNotFoundError:
        return None
    if start > 0:
        lines = lines[1:]  # cut mid-line: "123 …" could read as a valid-looking "23 …"
    best: Checkpoint | None = None
    for line in lines:
        parts = line.split()
        if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
            continue  # a torn write from a crash; skip it
        seq = int(parts[0])
        if best is None or seq > best.seq:
            best = Checkpoint(seq, parts[1])
    return best
