"""Reading the audit trail. Every panel user may read all of it: it is the team's record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Q, QuerySet

from panel.audit.actions import Action, Outcome
from panel.audit.filters import AuditFilters
from panel.audit.models import AuditEntry, AuditIntent

PAGE_SIZE = 50
PENDING_LIMIT = 50

# An operation's entries that are the person's own decisions and its ending; the rest (each
# step starting and ending, each call a step made) are how it got there: kept in the chain,
# folded under the operation in listings and shown on demand.
OPERATION_LEVEL = (
    Action.OPERATION_START,
    Action.OPERATION_FINISH,
    Action.OPERATION_CANCEL,
    Action.OPERATION_RESUMED,
)
STEP_LEVEL = Q(operation_id__gt="") & ~Q(action__in=[str(a) for a in OPERATION_LEVEL])


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of a newest-first listing, with keyset cursors on ``seq``.

    Keyset, not offsets: entries keep arriving at the top, and "page 3" by offset would
    shift under the reader; "older than seq 1234" never does.
    """

    entries: list[AuditEntry]
    newer_cursor: int | None  # pass as ?after= to see newer entries
    older_cursor: int | None  # pass as ?before= to see older entries
    # Actions whose result is not recorded yet (in flight, or their process stopped), newest
    # first: not in the chain, so outside the keyset; shown above the newest page only.
    pending: list[AuditIntent] = field(default_factory=list)
    # Folded listings: how many step entries each operation on the page has under it.
    step_counts: dict[str, int] = field(default_factory=dict)


def _filtered[M: models.Model](
    rows: QuerySet[M], filters: AuditFilters, *, searched: tuple[str, ...]
) -> QuerySet[M]:
    """``filters`` applied to entries or intents alike (they share these fields); ``q`` looks
    in the ``searched`` text fields."""
    if filters.actor:
        rows = rows.filter(actor_username__iexact=filters.actor)
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.target:
        rows = rows.filter(Q(target_label__icontains=filters.target) | Q(target_id=filters.target))
    if filters.target_type:
        rows = rows.filter(target_type=filters.target_type)
    if filters.target_id:
        rows = rows.filter(target_id=filters.target_id)
    if filters.date_from:
        rows = rows.filter(created_at__gte=_utc_midnight(filters.date_from))
    if filters.date_to:
        rows = rows.filter(created_at__lt=_utc_midnight(filters.date_to + dt.timedelta(days=1)))
    if filters.operation_id:
        rows = rows.filter(operation_id=filters.operation_id)
    if filters.request_id:
        rows = rows.filter(request_id=filters.request_id)
    if filters.q:
        anywhere = Q()
        for name in searched:
            anywhere |= Q(**{f"{name}__icontains": filters.q})
        rows = rows.filter(anywhere)
    return rows


# Free-text search looks here. ``params`` matches the stored JSON text; parameters are
# redacted, so secrets never match.
_SEARCHED = ("target_label", "actor_username", "request_id", "params")


def search_entries(filters: AuditFilters, within: Q | None = None) -> QuerySet[AuditEntry]:
    """The filtered set, newest first (what the page shows and the export streams);
    ``within``: only what a person may see (``panel.access.visibility``), None for all."""
    entries = AuditEntry.objects.all() if within is None else AuditEntry.objects.filter(within)
    if filters.outcome:
        entries = entries.filter(outcome=filters.outcome)
    if filters.folded:
        # Intents are never folded: one left open by a stopped step is exactly what to see.
        entries = entries.exclude(STEP_LEVEL)
    return _filtered(entries, filters, searched=(*_SEARCHED, "api_error")).order_by("-seq")


def search_intents(filters: AuditFilters, within: Q | None = None) -> QuerySet[AuditIntent]:
    """Intents (actions with no recorded result yet) matching the same filters, newest first.

    Their outcome counts as ``unknown``: filtering on any other outcome finds none.
    """
    intents = AuditIntent.objects.all() if within is None else AuditIntent.objects.filter(within)
    if filters.outcome and filters.outcome != Outcome.UNKNOWN:
        return intents.none()
    return _filtered(intents, filters, searched=_SEARCHED).order_by("-created_at", "-pk")


def audit_page(
    filters: AuditFilters,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
    within: Q | None = None,
) -> AuditPage:
    entries = search_entries(filters, within)
    if after is not None:
        # Newer than a seq: the oldest ``size`` of them, shown newest first.
        rows = list(entries.filter(seq__gt=after).order_by("seq")[: size + 1])
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        has_older = entries.filter(seq__lte=after).exists()
    else:
        entries_page = entries.filter(seq__lt=before) if before is not None else entries
        rows = list(entries_page[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = before is not None and entries.filter(seq__gte=before).exists()
    newest = not has_newer
    return AuditPage(
        entries=rows,
        newer_cursor=rows[0].seq if rows and has_newer else None,
        older_cursor=rows[-1].seq if rows and has_older else None,
        pending=list(search_intents(filters, within)[:PENDING_LIMIT]) if newest else [],
        step_counts=step_counts(e.operation_id for e in rows if e.operation_id)
        if filters.folded
        else {},
    )


def entries_for_target(target_type: str, target_id: object, limit: int = 50) -> list[AuditEntry]:
    """The latest actions on one thing (the VM page's history panel), newest first: what
    people did, and how their operations started and ended — not each step."""
    rows = AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id))
    return list(rows.exclude(STEP_LEVEL).order_by("-seq")[:limit])


def step_counts(operation_ids: Iterable[str]) -> dict[str, int]:
    """How many step entries each operation has folded under it."""
    rows = (
        AuditEntry.objects.filter(operation_id__in=set(operation_ids))
        .filter(STEP_LEVEL)
        .values("operation_id")
        .annotate(n=Count("id"))
    )
    return {row["operation_id"]: row["n"] for row in rows}


def entries_for_operation(operation_id: object) -> QuerySet[AuditEntry]:
    """An operation's entries in the order they happened (its page reads as a story)."""
    return AuditEntry.objects.filter(operation_id=str(operation_id)).order_by("seq")


def entry_by_seq(seq: int, within: Q | None = None) -> AuditEntry | None:
    entries = AuditEntry.objects.filter(seq=seq)
    return (entries if within is None else entries.filter(within)).first()


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
