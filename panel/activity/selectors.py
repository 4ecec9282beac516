"""The operations and batches a person may see (``panel.access.visibility`` decides).

An operation or batch outside what one may see is answered as if it did not exist (404), as
BigV answers for an object one may not read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import Q

from panel.access import visibility
from panel.activity.kept import KeptWhileQuiet
from panel.operations import selectors
from panel.operations.models import Batch, Operation


@dataclass(frozen=True, slots=True)
class TeamState:
    """What the header's "running now" shows: how many are active, and the newest few."""

    count: int
    ops: list[Operation]
    # Active operations no worker has looked after for longer than a lease, and the
    # longest such wait in seconds: workers may be down.
    unattended: int = 0
    unattended_for: int = 0


def operation(user: Any, operation_id: uuid.UUID | str) -> Operation | None:
    op = selectors.operation(operation_id)
    if op is None or not visibility.sees_operation(user, op):
        return None
    return op


def batch(user: Any, batch_id: uuid.UUID | str) -> Batch | None:
    within = visibility.batches_filter(user)
    rows = Batch.objects.filter(pk=batch_id)
    return (rows if within is None else rows.filter(within)).first()


def batch_operations(user: Any, batch: Batch, within: Q | None = None) -> list[Operation]:
    """The batch's operations one may see (``within``: the filter, when already known)."""
    if within is None:
        within = visibility.operations_filter(user)
    return selectors.batch_operations(batch, within)


def operation_page(
    user: Any, filters: selectors.OperationFilters, page: int | str | None
) -> Page[Operation]:
    return selectors.operation_page(filters, page, visibility.operations_filter(user))


def actor_usernames(user: Any) -> list[str]:
    return selectors.actor_usernames(visibility.operations_filter(user))


Visible = Callable[[Any], bool] | None


# Kept per process and person while no operation change is announced (panel.activity.kept).
TEAM_STATES: KeptWhileQuiet[TeamState] = KeptWhileQuiet(seconds=1.0, most=1000)
# A VM's operation, for its page: the same for everyone who may see the VM.
VM_OPERATIONS: KeptWhileQuiet[Operation | None] = KeptWhileQuiet(seconds=1.0, most=5000)


def team_state(user: Any, visible: Visible = None, *, known: bool = False) -> TeamState:
    """What runs now that ``user`` may see (``known``: ``visible`` is already their test,
    ``panel.access.visibility.operations_test``)."""

    def read() -> TeamState:
        now = selectors.active_now(visible if known else visibility.operations_test(user))
        waits = now.unattended
        return TeamState(
            count=now.count,
            ops=now.ops,
            unattended=len(waits),
            unattended_for=max(waits, default=0),
        )

    return TEAM_STATES.read(getattr(user, "pk", None), read)


def vm_operation(vm_id: int | None) -> Operation | None:
    """The VM's active operation, else its latest one if it ended a short while ago."""
    if vm_id is None:
        return None
    return VM_OPERATIONS.read(vm_id, lambda: selectors.operation_for_vm(vm_id))


def forget_team_states() -> None:
    """Drop every kept "running now" and VM operation (tests)."""
    TEAM_STATES.forget()
    VM_OPERATIONS.forget()
