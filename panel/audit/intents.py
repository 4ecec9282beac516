"""``intent()``: an audit entry started before a write to BigV and completed after it.

::

    with audit.intent(actor=actor, action=Action.GROUP_RENAME, target=..., params=...) as entry:
        with client.answered() as answer:
            group = client.group_rename(...)
        entry.succeeded(after={"name": group.name}, api_status=answer.status)

Before the block runs, an ``AuditIntent`` row holding the would-be entry (who, from where,
what, on what, parameters — redacted like every entry) is committed. Then:

* ``entry.succeeded(...)`` (or ``entry.failed(error)``) appends the chained entry and deletes
  the intent in one transaction: the trail holds one entry per action, as with ``record()``.
* An exception escaping the block is recorded the way ``record_failure()`` records it — a
  BigV error (it has ``is_refusal``) as refused/failed with its status and message — and
  re-raised. An exception that is not BigV's (a bug, a lost database) may have come *after*
  BigV applied the write, so it is recorded as ``unknown``, naming the exception.
* A process being stopped (KeyboardInterrupt, SystemExit: a BaseException that is not an
  Exception) writes nothing, exactly like kill -9: the intent stays.
* A block that ends without an outcome is recorded as ``unknown`` (a bug; logged).

An intent left behind shows on the audit page as "outcome unknown — not in the chain yet",
and ``seal_intents()`` (a Celery beat task, ``tasks.py``; or ``manage.py audit_seal``) appends
it to the chain with outcome ``unknown`` once it is older than the grace period, which is
longer than any BigV call may take. ``manage.py audit_verify`` reports the ones waiting.

Transactions: the intent must be committed before the call to survive a crash, so
``intent()`` is entered outside ``transaction.atomic`` (services and steps are). Inside one
(a test) it joins it, like ``record()``.

Races: completing an intent and sealing it both hold the chain's append lock while they look
at it, so an intent becomes exactly one entry — unless the call outlived the grace period,
in which case the sealed ``unknown`` entry is followed by a second one with the real outcome
(and a warning is logged): two true entries rather than a lost one.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from panel.audit.actions import Action, Outcome
from panel.audit.recorder import action_content, describe_error, outcome_content, target_content
from panel.audit.redaction import Redactor
from panel.audit.targets import Target
from panel.core.actor import Actor

if TYPE_CHECKING:
    from panel.audit.models import AuditEntry, AuditIntent

logger = logging.getLogger("panel.audit.intents")

_NO_OUTCOME = "the action ended without recording its result"


def grace_seconds() -> float:
    """How old an intent must be before it is sealed as ``unknown``."""
    return float(settings.PANEL_AUDIT_INTENT_GRACE_SECONDS)


class PendingEntry:
    """The entry of an action in progress; say how it ended with ``succeeded`` or ``failed``."""

    def __init__(self, intent_id: int, content: dict[str, Any], redactor: Redactor) -> None:
        self.intent_id = intent_id
        self.entry: AuditEntry | None = None  # once it is in the chain
        self._content = content
        self._redactor = redactor
        self._attempted = False

    @property
    def done(self) -> bool:
        """An outcome was recorded (or its recording was attempted)."""
        return self._attempted

    def succeeded(
        self,
        *,
        after: Mapping[str, Any] | None = None,
        api_status: int | None = None,
        target: Target | None = None,
        before: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """BigV accepted the call. ``target`` / ``before`` replace the intent's when given
        (a new id the answer names; a state only a success should carry)."""
        return self._complete(
            Outcome.SUCCEEDED, after=after, api_status=api_status, target=target, before=before
        )

    def failed(self, error: BaseException, *, outcome: Outcome | str | None = None) -> AuditEntry:
        """The call ended with ``error``: refused/failed for BigV's errors, else unknown."""
        status, message = describe_error(error)
        if outcome is None:
            if hasattr(error, "is_refusal"):  # BigV's error tree, read by duck typing
                outcome = Outcome.REFUSED if error.is_refusal else Outcome.FAILED
            else:
                outcome = Outcome.UNKNOWN
        return self._complete(Outcome(outcome), api_status=status, api_error=message)

    def _complete(
        self,
        outcome: Outcome,
        *,
        after: Mapping[str, Any] | None = None,
        api_status: int | None = None,
        api_error: str = "",
        target: Target | None = None,
        before: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        if self._attempted:
            raise RuntimeError(f"the outcome of audit intent {self.intent_id} is already recorded")
        self._attempted = True
        content = dict(self._content)
        if target is not None:
            content.update(target_content(self._redactor, target))
        if before is not None:
            content["before"] = self._redactor.mapping(before)
        content.update(outcome_content(self._redactor, outcome, after, api_status, api_error))
        self.entry = complete(self.intent_id, content)
        return self.entry


@contextmanager
def intent(
    *,
    actor: Actor,
    action: Action | str,
    target: Target | None = None,
    params: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    operation_id: str | None = None,
    step: str = "",
    secrets: Collection[str] = (),
) -> Iterator[PendingEntry]:
    """Commit an intent for one write to BigV; the block makes the call and says how it ended.

    Arguments as for ``record()``; the outcome's fields come from ``succeeded`` / ``failed``
    or from the exception that leaves the block (see the module's docstring).
    """
    from panel.audit.models import AuditIntent  # only once the registry is ready

    redactor = Redactor(secrets)
    content = action_content(
        redactor,
        actor=actor,
        action=action,
        target=target,
        params=params,
        before=before,
        operation_id=operation_id,
        step=step,
    )
    row = AuditIntent.objects.create(created_at=_now(), process=_process(), **content)
    pending = PendingEntry(row.pk, content, redactor)
    try:
        yield pending
    except Exception as error:
        if not pending.done:
            _record_failure(pending, error)
        raise
    # A BaseException that is not an Exception (the process is being stopped) passes through
    # untouched: the intent stays, as after kill -9, and is sealed as unknown later.
    if not pending.done:
        logger.error(
            "audit intent %s (%s) ended without an outcome; recorded as unknown",
            pending.intent_id,
            content["action"],
        )
        pending._complete(Outcome.UNKNOWN, api_error=_NO_OUTCOME)


# A database that restarts while a result is being recorded (the BigV write is done, only
# its entry is missing): try again for about half a minute before leaving the intent to be
# sealed as "outcome unknown" — the result is known, and worth the wait.
RECONNECT_WAITS = (0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0)


def complete(intent_id: int, content: Mapping[str, Any], *, using: str = "default") -> AuditEntry:
    """Append an intent's entry and delete the intent, in one transaction — again after a
    lost database connection, unless an earlier attempt did commit (its intent is gone)."""
    from django.db import InterfaceError, OperationalError, connections

    from panel.audit.chain import append
    from panel.audit.models import AuditEntry, AuditIntent

    connection = connections[using]
    waits = list(RECONNECT_WAITS) if not connection.in_atomic_block else []
    retried = False
    while True:
        try:
            with transaction.atomic(using=using):
                intents = AuditIntent.objects.using(using).filter(pk=intent_id)
                if retried and not intents.exists():
                    # The commit landed before its connection broke: that entry is the one.
                    found = _entry_like(AuditEntry.objects.using(using), content)
                    if found is not None:
                        return found
                entry = append(content, using=using)  # the append lock first, as sealing
                deleted, _ = intents.delete()
            break
        except (OperationalError, InterfaceError) as error:
            if not waits:
                raise
            wait = waits.pop(0)
            logger.warning(
                "audit intent %s: database unreachable (%s); recording again in %g s",
                intent_id,
                type(error).__name__,
                wait,
            )
            connection.close()  # the next query opens a new connection
            time.sleep(wait)
            retried = True
    if not deleted:
        logger.warning(
            "audit intent %s was sealed as outcome unknown before its result came; "
            "entry seq %d records the result",
            intent_id,
            entry.seq,
        )
    return entry


def _entry_like(entries: Any, content: Mapping[str, Any]) -> AuditEntry | None:
    """The newest entry of the same action, target, operation step and person."""
    fields = ("action", "actor_username", "target_type", "target_id", "operation_id", "step")
    same = {name: content[name] for name in fields if name in content}
    return entries.filter(**same).order_by("-seq").first()


def seal_intents(
    *, older_than: float | None = None, using: str = "default", batch: int = 100
) -> int:
    """Append every intent older than ``older_than`` seconds (default: the grace period) to
    the chain with outcome ``unknown``, and delete it. Returns how many were sealed."""
    from panel.audit.chain import append, lock
    from panel.audit.models import AuditIntent

    grace = grace_seconds() if older_than is None else float(older_than)
    cutoff = _now() - dt.timedelta(seconds=grace)
    due = AuditIntent.objects.using(using).filter(created_at__lt=cutoff)
    if not due.exists():
        return 0  # the usual case: no need to take the append lock
    sealed = 0
    while True:
        with transaction.atomic(using=using):
            # Under the append lock no completion is half-way (it appends, then deletes,
            # holding the lock until commit): what is still here has no entry.
            lock(using)
            rows = list(due.order_by("created_at", "pk")[:batch])
            for row in rows:
                append(unknown_content(row, grace), using=using)
            AuditIntent.objects.using(using).filter(pk__in=[row.pk for row in rows]).delete()
        for row in rows:
            logger.warning(
                "audit: sealed intent %s (%s on %s by %s, started %s) as outcome unknown",
                row.pk,
                row.action,
                row.target_label,
                row.actor_username,
                stamp(row.created_at),
            )
        sealed += len(rows)
        if len(rows) < batch:
            return sealed


def unknown_content(row: AuditIntent, grace: float) -> dict[str, Any]:
    """The chained entry for an intent whose result never came."""
    where = f" by process {row.process}" if row.process else ""
    return {
        **row.content(),
        "outcome": Outcome.UNKNOWN.value,
        "after": None,
        "api_status": None,
        "api_error": (
            f"Outcome unknown: started {stamp(row.created_at)}{where}, and no result was "
            f"recorded within {grace:g} s — the process may have stopped after calling BigV. "
            "Check the target's state in BigV."
        ),
    }


@dataclass(frozen=True, slots=True)
class PendingSummary:
    count: int
    overdue: int  # older than the grace period: sealing is not keeping up (is beat running?)
    oldest: dt.datetime | None


def pending_summary(*, using: str = "default") -> PendingSummary:
    from django.db.models import Count, Min, Q

    from panel.audit.models import AuditIntent

    cutoff = _now() - dt.timedelta(seconds=grace_seconds())
    totals = AuditIntent.objects.using(using).aggregate(
        count=Count("pk"),
        overdue=Count("pk", filter=Q(created_at__lt=cutoff)),
        oldest=Min("created_at"),
    )
    return PendingSummary(totals["count"], totals["overdue"], totals["oldest"])


def _record_failure(pending: PendingEntry, error: Exception) -> None:
    try:
        pending.failed(error)
    except Exception:
        # The intent stays committed: it will be sealed as unknown. The caller gets the
        # original error, not this one.
        logger.exception("audit: could not record the outcome of intent %s", pending.intent_id)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:255]
