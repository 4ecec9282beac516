"""The operations and batches a person may see (``panel.access.visibility`` decides).

An operation or batch outside what one may see is answered as if it did not exist (404), as
BigV answers for an object one may not read.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import Q

from panel.access import visibility
from panel.activity.live.events import team_generation
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


# "Running now" is in every page's header and every render of the team stream; read afresh
# it is two ORM queries, ~0.45 ms, a twentieth of a small page. Each process keeps each
# person's answer for a second at most, and only while no operation changed: every change
# the engine announces moves the team's generation on, which is read from Redis first
# (~35 µs). The second bounds what no announcement covers (a lease renewed; access granted
# or withdrawn). Without Redis nothing is kept.
TEAM_STATE_SECONDS = 1.0
_TEAM_STATES_KEPT = 1000  # people at once per process, far more than a team has
_team_states: dict[Hashable, tuple[float, TeamState]] = {}
_team_states_lock = threading.Lock()


def team_state(user: Any, visible: Visible = None, *, known: bool = False) -> TeamState:
    """What runs now that ``user`` may see (``known``: ``visible`` is already their test,
    ``panel.access.visibility.operations_test``)."""
    generation = team_generation()
    key = (getattr(user, "pk", None), generation)
    if generation is not None:
        kept = _team_states.get(key)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
    if not known:
        visible = visibility.operations_test(user)
    now = selectors.active_now(visible)
    waits = now.unattended
    state = TeamState(
        count=now.count, ops=now.ops, unattended=len(waits), unattended_for=max(waits, default=0)
    )
    if generation is not None:
        _keep_team_state(key, state)
    return state


def _keep_team_state(key: Hashable, state: TeamState) -> None:
    now = time.monotonic()
    with _team_states_lock:
        if len(_team_states) >= _TEAM_STATES_KEPT:
            for stale in [k for k, (until, _) in _team_states.items() if until <= now]:
                del _team_states[stale]
            if len(_team_states) >= _TEAM_STATES_KEPT:
                _team_states.clear()
        _team_states[key] = (now + TEAM_STATE_SECONDS, state)


def forget_team_states() -> None:
    """Drop every kept "running now" (tests)."""
    with _team_states_lock:
        _team_states.clear()
