"""Leases, claims and fencing: at most one run drives an operation, and a stale one stops.

Every run gets an owner id of its own (``host:pid:random``), and claims the row with one
conditional UPDATE that bumps ``epoch``::

    UPDATE operation SET epoch = epoch + 1, lease_owner = <me>, lease_expires_at = now + lease
     WHERE id = ? AND epoch = <seen> AND status IN (active)
       AND (lease_expires_at IS NULL OR lease_expires_at < now
            OR lease_owner = 'resume:<my task id>' OR lease_owner = <seen owner, now dead>)

Two copies of one message (the same task id) race on ``epoch = <seen>``: one wins, the other
updates nothing and makes no API call. Every later write of the run (``persist``) is again
conditional on (epoch, owner) — the fence: a run whose lease was taken over stops before its
next API call. A wait hands the lease to the task it enqueues (``resume:<task id>``).

Dead owners: a run on this host whose process no longer exists (kill -9) cannot finish, so
its lease need not be waited out. A live pid (even a reused one) only means "wait for the
lease to expire" — the safe direction.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from panel.operations import conf
from panel.operations.models import Operation
from panel.operations.status import OperationStatus

HOST = socket.gethostname()
RESUME = "resume:"  # handed over by a run that is waiting (a normal continuation)
RECLAIM = "reclaim:"  # handed over by the reconciler (a takeover after a crash)


class Fenced(Exception):
    """Another run owns the operation now: stop without touching BigV."""


class Looking(Exception):
    """A poll that only looks (looks.py) holds no lease and writes nothing: the step wanted
    to write, so the poll must run in full."""


@dataclass(frozen=True, slots=True)
class Lease:
    operation_id: Any
    epoch: int
    owner: str
    # True when this run took over from one that did not hand over (crash, lost task).
    takeover: bool = False
    # On a takeover: when the lost run last wrote the row (its last sign of life).
    last_heard: dt.datetime | None = None
    # A poll that only looks (looks.py): the lease is still the waiting task's; any write
    # raises ``Looking`` before it reaches the database or BigV.
    looking: bool = False


def looking(operation_id: Any, epoch: int) -> Lease:
    return Lease(operation_id=operation_id, epoch=epoch, owner="", looking=True)


def new_task_id() -> str:
    return str(uuid.uuid4())


def resume_token(task_id: str) -> str:
    return f"{RESUME}{task_id}"


def reclaim_token(task_id: str) -> str:
    return f"{RECLAIM}{task_id}"


def _run_owner() -> str:
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _expiry(extra: float = 0.0) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=conf.lease_seconds() + max(0.0, extra))


def owner_is_dead(owner: str) -> bool:
    """True only when ``owner`` is a run on this host whose process is gone."""
    parts = owner.split(":")
    if len(parts) != 3 or parts[0] != HOST or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False  # this very process: never second-guess it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    # A killed child nobody reaped yet is a zombie: gone for our purposes.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0:1] == ["Z"]


def claim(operation_id: Any, task_id: str) -> Lease | None:
    """Take the operation for this run, or None: someone else holds it (or it is over)."""
    row = (
        Operation.objects.filter(pk=operation_id)
        .values("epoch", "lease_owner", "lease_expires_at", "status", "updated_at")
        .first()
    )
    if row is None or row["status"] not in OperationStatus.ACTIVE:
        return None
    now = timezone.now()
    free = (
        Q(lease_expires_at__isnull=True)
        | Q(lease_expires_at__lt=now)
        | Q(lease_owner=resume_token(task_id))
        | Q(lease_owner=reclaim_token(task_id))
    )
    seen_owner = row["lease_owner"]
    if seen_owner and owner_is_dead(seen_owner):
        free |= Q(lease_owner=seen_owner)
    me = _run_owner()
    won = (
        Operation.objects.filter(
            pk=operation_id, epoch=row["epoch"], status__in=OperationStatus.ACTIVE
        )
        .filter(free)
        .update(epoch=F("epoch") + 1, lease_owner=me, lease_expires_at=_expiry(), updated_at=now)
    )
    if won != 1:
        return None
    # A run takes over when the lease was another's, or when it was handed to this very run
    # but lapsed first: no worker picked the wait up in time (they were all gone — the page
    # said "workers may be down" meanwhile), which is as much a lost worker as the other.
    expires = row["lease_expires_at"]
    lapsed = expires is not None and expires < now
    takeover = row["status"] != OperationStatus.PENDING and (
        seen_owner != resume_token(task_id) or lapsed
    )
    return Lease(
        operation_id=operation_id,
        epoch=row["epoch"] + 1,
        owner=me,
        takeover=takeover,
        last_heard=row["updated_at"] if takeover else None,
    )


def persist(lease: Lease, op: Operation, *fields: str, **extra: Any) -> None:
    """Write ``fields`` of ``op`` (and ``extra``) if the lease is still ours; renew it.

    This is the fence: called before every API write, a run that lost its lease raises
    ``Fenced`` here instead of calling BigV (and a poll that only looks, ``Looking``).
    """
    if lease.looking:
        raise Looking(f"operation {lease.operation_id}: a poll that only looks writes nothing")
    now = timezone.now()
    values: dict[str, Any] = {name: getattr(op, name) for name in fields}
    values.update(extra)
    values.setdefault("lease_expires_at", _expiry())
    values["updated_at"] = now
    updated = Operation.objects.filter(
        pk=lease.operation_id, epoch=lease.epoch, lease_owner=lease.owner
    ).update(**values)
    if updated != 1:
        raise Fenced(f"operation {lease.operation_id}: lease lost (epoch {lease.epoch})")
    for name, value in extra.items():
        setattr(op, name, value)
    op.updated_at = now


def hand_over(lease: Lease, op: Operation, *, task_id: str, after: float, **extra: Any) -> None:
    """Give the lease to the task that will resume the operation ``after`` seconds from now.

    The lease covers the wait, so the reconciler leaves it alone unless that task is lost.
    """
    persist(lease, op, lease_owner=resume_token(task_id), lease_expires_at=_expiry(after), **extra)


def release(lease: Lease, op: Operation, *fields: str) -> None:
    """The operation ended: write ``fields`` and drop the lease."""
    persist(lease, op, *fields, lease_owner="", lease_expires_at=None)


def requeue_expired(op_id: Any, seen: Mapping[str, Any], task_id: str) -> bool:
    """Reconciler: hand an abandoned operation to a new task (conditional, like a claim)."""
    updated = Operation.objects.filter(
        pk=op_id,
        epoch=seen["epoch"],
        lease_owner=seen["lease_owner"],
        lease_expires_at=seen["lease_expires_at"],
        status__in=OperationStatus.ACTIVE,
    ).update(lease_owner=reclaim_token(task_id), lease_expires_at=_expiry())
    return updated == 1
