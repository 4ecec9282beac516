"""A poll that only looks: a wait's next poll reads, and writes nothing while nothing changed.

A step that waits (a VM powering off, a backup running) is polled every fraction of a second
to a few seconds. In full, a poll claims the row (a conditional UPDATE), reads the step's
target, and hands the lease over again (another UPDATE): two writes of the row per poll,
though most polls find nothing new. With 8 operations waiting at once those writes meet at
every tick, and on SQLite each waits its turn for the one writer.

So a poll first only looks. It reads the row, runs the step with a lease that refuses every
write (``claims.looking``: the step's ``save`` and ``write`` raise ``claims.Looking`` before
the database or BigV), and, when the step only waits again and its record is exactly what
the row holds, sends the next poll to the same lease holder and ends. The row is not
touched, nothing is published and nothing is audited: there is nothing new to say. A wait's
countdown is worked out where it is shown (``Wait.until``), not stored with every poll.

Everything else is the full run's (``engine.run``), which starts again from the row: the
step wanted to write (a deadline to store, a call to make), it finished, its record changed,
a cancel was asked for, the lease is no longer this chain's or has less than half a lease
left (the full run renews it, so a live chain never lets the lease near its end, and the
reconciler and the pages' "workers may be down" stay as they were). Steps are idempotent by
check-then-act, so the full run simply does the step again, from what BigV says then. What
the step raised while looking (a call that failed, a deadline passed) is not met twice: the
full run takes it as the step's outcome (``Met``), so a failed call counts once toward the
step's retries, as it always has (outage.py).

The next poll carries the lease holder's id (``holder``): the lease stays with the task id the
last full run handed it to, and every poll of that chain may claim it. A poll delivered twice
makes two chains until the next full run hands the lease to a new id; the other chain's next
poll then finds the lease not its own and ends at the claim, without an API call.

What a quiet poll leaves out: it is no sign of life in the row (``updated_at``), so after a
worker is lost the journal's "last heard" is the last full run, at most half a lease earlier.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from panel.credentials.clients import client_for
from panel.operations import claims, conf, dispatch, outage
from panel.operations.models import Operation
from panel.operations.status import OperationStatus, StepStatus
from panel.operations.steps import Wait, call_step
from panel.operations.workflows import workflow_for

_LOOKING = (OperationStatus.RUNNING, OperationStatus.COMPENSATING)


@dataclass(frozen=True, slots=True)
class Met:
    """What the step raised while only looking — a call that failed, a deadline that passed,
    never a write it wanted: the full run takes it as the step's outcome rather than calling
    BigV again, so that a poll's failed call counts once, as it always has (outage.py)."""

    index: int  # the plan step it came from
    entry: dict[str, Any]  # the step's record as the step left it
    error: Exception


@dataclass(frozen=True, slots=True)
class Looked:
    quiet: bool  # nothing new: the next poll is sent, the run is over
    met: Met | None = None


FULL = Looked(quiet=False)


def look(operation_id: str, holder: str) -> Looked:
    """Look at a waiting operation for the poll sent to ``holder``: quiet, or run in full."""
    op = Operation.objects.select_related("actor").filter(pk=operation_id).first()
    if op is None or not _may_look(op, holder):
        return FULL
    entry = op.current_entry
    if entry is None or entry.get("status") != StepStatus.RUNNING:
        return FULL
    seen = copy.deepcopy(entry)
    try:
        wait = _look(op, entry)
    except Exception:  # the kind, the credential: the full run meets it and says so
        return FULL
    if isinstance(wait, Met):
        return Looked(quiet=False, met=wait)
    if wait is None:
        return FULL
    outage.got_through(entry)
    wait.record(entry)
    if entry != seen or not _lease_covers(op, wait.seconds):
        return FULL
    # Should the broker be down, the lease lapses and the reconciler sends the poll again,
    # as for a full run's hand-over (send says so in the journal).
    dispatch.send(op.pk, task_id=claims.new_task_id(), countdown=wait.seconds, holder=holder)
    return Looked(quiet=True)


def met_at(met: Met | None, index: int, entry: dict[str, Any]) -> Exception | None:
    """For the full run's step ``index``: what the look met there, with the step's record put
    as the step left it; None if there is nothing, or the run went another way (a cancel)."""
    if met is None or met.index != index:
        return None
    entry.update(copy.deepcopy(met.entry))
    return met.error


def _may_look(op: Operation, holder: str) -> bool:
    return (
        op.status in _LOOKING
        and not op.cancel_requested
        and op.lease_owner == claims.resume_token(holder)
        and 0 <= op.step_index < len(op.plan)
    )


def _look(op: Operation, entry: dict[str, Any]) -> Wait | Met | None:
    """The step run with a lease that writes nothing: its wait, what it raised, or None (it
    is over, or wanted to write)."""
    workflow = workflow_for(op.kind)
    lease = claims.looking(op.pk, op.epoch)
    with client_for(op.actor, finishing_own_work=True) as client:
        try:
            result = call_step(workflow, op=op, lease=lease, client=client, entry=entry)
        except claims.Looking:
            return None
        except Exception as error:
            return Met(index=op.step_index, entry=entry, error=error)
    return result if isinstance(result, Wait) else None


def _lease_covers(op: Operation, seconds: float) -> bool:
    """The lease outlasts the next poll by half a lease at least."""
    if op.lease_expires_at is None:
        return False
    margin = dt.timedelta(seconds=seconds + conf.lease_seconds() / 2)
    return op.lease_expires_at - timezone.now() >= margin
