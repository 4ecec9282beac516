"""Reads of the panel's own operation and batch rows (read-only queries).

The operations are the panel's own rows, so these return model instances (and a page of
them); the BigV state they describe is never copied here. ``within`` restricts a read to the
rows a person may see (``panel.access.visibility``); None reads them all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from panel.operations import conf
from panel.operations.models import Batch, Operation
from panel.operations.status import BatchStatus, OperationStatus

PAGE_SIZE = 25
RUNNING_NOW_LIMIT = 10
# The VM page keeps showing a finished operation for a while, so whoever started it sees
# how it ended after coming back to the page.
RECENT_ON_VM_PAGE = dt.timedelta(minutes=15)

ACTIVE = "active"
FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class OperationFilters:
    user: str = ""  # actor username, exact (case-insensitive)
    vm: str = ""  # part of the VM name
    status: str = ""  # "", "active", "finished", or one OperationStatus value


def _rows(within: Q | None) -> QuerySet[Operation]:
    rows = Operation.objects.all()
    return rows if within is None else rows.filter(within)


def operations(filters: OperationFilters, within: Q | None = None) -> QuerySet[Operation]:
    rows = _rows(within)
    if filters.user:
        rows = rows.filter(actor_username__iexact=filters.user)
    if filters.vm:
        rows = rows.filter(vm_name__icontains=filters.vm)
    if filters.status == ACTIVE:
        rows = rows.filter(status__in=OperationStatus.ACTIVE)
    elif filters.status == FINISHED:
        rows = rows.filter(status__in=OperationStatus.TERMINAL)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    return rows.order_by("-created_at", "-id")


def operation_page(
    filters: OperationFilters, page: int | str | None = 1, within: Q | None = None
) -> Page[Operation]:
    """Newest first; an out-of-range or junk page number gives the nearest page."""
    return Paginator(operations(filters, within), PAGE_SIZE).get_page(page)


def actor_usernames(within: Q | None = None) -> list[str]:
    """Everyone who started an operation one sees: the choices of the "user" filter."""
    names = _rows(within).order_by().values_list("actor_username", flat=True).distinct()
    return sorted(set(names), key=str.casefold)


def operation(operation_id: uuid.UUID | str) -> Operation | None:
    return Operation.objects.select_related("batch").filter(pk=operation_id).first()


@dataclass(frozen=True, slots=True)
class ActiveKey:
    """What decides whether one active operation is shown to someone, and whether a worker
    looks after it: its keys without its plan and steps."""

    pk: uuid.UUID
    actor_id: int | None
    vm_id: int | None
    account: str
    group: str
    enqueued_at: dt.datetime | None
    lease_expires_at: dt.datetime | None
    is_terminal = False  # not a field: every key read is an active operation's


@dataclass(frozen=True, slots=True)
class ActiveNow:
    count: int  # active operations one may see
    ops: list[Operation]  # the newest of them, whole
    unattended: list[int]  # seconds without a worker, of each one no worker looks after


def active_now(
    visible: Callable[[ActiveKey], bool] | None, limit: int = RUNNING_NOW_LIMIT
) -> ActiveNow:
    """The team's "running now" as one may see it (``visible``: a test of a row's keys, None
    for everything).

    Every page's header and every heartbeat of its stream asks this. The active operations
    are few and their keys are small, so they are read by the status index and tested here:
    a visibility filter in SQL names every VM the person may see, and for a person who sees
    thousands it was the largest part of a page's own time. Then only the newest ``limit``
    are read whole.
    """
    fields = list(ActiveKey.__dataclass_fields__)
    rows = Operation.objects.filter(status__in=OperationStatus.ACTIVE).order_by("-created_at")
    keys = [ActiveKey(*values) for values in rows.values_list(*fields)]
    if visible is not None:
        keys = [key for key in keys if visible(key)]
    if not keys:
        return ActiveNow(0, [], [])
    newest = [key.pk for key in keys[:limit]]
    ops = sorted(Operation.objects.filter(pk__in=newest), key=lambda op: newest.index(op.pk))
    now = timezone.now()
    quiet = [unattended_seconds(key, now) for key in keys]
    return ActiveNow(len(keys), ops, [seconds for seconds in quiet if seconds is not None])


def operation_for_vm(vm_id: int | None) -> Operation | None:
    """The VM's active operation, else its latest one if it ended a short while ago."""
    if vm_id is None:
        return None
    # One plain query on every VM page (by the target's index): a VM has at most one active
    # operation, and no other can start while it is active, so the newest is the active
    # one if there is one.
    newest = Operation.objects.filter(target_key=f"vm:{vm_id}").order_by("-created_at").first()
    if newest is None or not newest.is_terminal:
        return newest
    ended = newest.finished_at or newest.updated_at
    return newest if ended >= timezone.now() - RECENT_ON_VM_PAGE else None


def batch(batch_id: uuid.UUID | str) -> Batch | None:
    return Batch.objects.filter(pk=batch_id).first()


def batch_operations(batch: Batch, within: Q | None = None) -> list[Operation]:
    rows = _rows(within).filter(batch=batch)
    return list(rows.order_by("account", "group", "vm_name"))


def batch_is_final(batch: Batch, operations: list[Operation]) -> bool:
    """Nothing more will change: the batch is closed and none of its operations is active."""
    return batch.status != BatchStatus.RUNNING and all(op.is_terminal for op in operations)


# --- operations no worker is looking after ---------------------------------------------------


def _quiet_limit() -> dt.timedelta:
    return dt.timedelta(seconds=conf.lease_seconds())


def unattended_seconds(op: Operation | ActiveKey, now: dt.datetime | None = None) -> int | None:
    """How long an active operation has gone without a worker, once that is longer than a
    lease; None while a worker has it, a wait is not over, or it waits its turn in a batch.

    A run renews the lease on every write, and a wait hands it over until the wait ends plus
    one lease: ``lease_expires_at - lease`` is when a worker last had it, or should have
    picked it up again. A live worker never lets that grow past a lease; a dead one does.
    """
    if op.is_terminal or op.enqueued_at is None:
        return None
    now = now or timezone.now()
    limit = _quiet_limit()
    due = op.lease_expires_at - limit if op.lease_expires_at is not None else op.enqueued_at
    quiet = now - due
    return int(quiet.total_seconds()) if quiet > limit else None
