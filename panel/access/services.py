"""Reading and keeping each person's BigV scope.

The scope is read with the person's own client the first time it is needed after they
connect (a reconnection, as another BigV user perhaps, starts afresh), again when it is older
than ``PANEL_SCOPE_SECONDS``, on demand ("Read my BigV access again"), and — at most every
``MISS_REFRESH_SECONDS`` — when the person asks about something the kept scope does not know
(a VM created a moment ago). Without a usable credential the scope is empty: nothing of BigV
is visible.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from panel.access.models import BigVScope
from panel.access.scope import Scope
from panel.bigv import BigVError
from panel.core.compiled_reads import CompiledRead
from panel.credentials.clients import NotConnected, client_for
from panel.credentials.crypto import CredentialError
from panel.credentials.selectors import credential_for

logger = logging.getLogger(__name__)

MISS_REFRESH_SECONDS = 10.0
EMPTY = Scope()

# One page asks for the scope several times (the header's "running now", the page's own
# abilities, its lists): each time two queries and a parse. The answer is kept on the user
# object — one per request — for a moment, and dropped when anything is forgotten or read
# again in this process.
_MEMO = "_panel_bigv_scope"
MEMO_SECONDS = 2.0
_generation = itertools.count()
_current = [next(_generation)]


def _memo(user: Any) -> Scope | None:
    kept = getattr(user, _MEMO, None)
    if kept is None:
        return None
    scope, at, generation = kept
    fresh = generation == _current[0] and time.monotonic() - at < MEMO_SECONDS
    return scope if fresh else None


def _remember(user: Any, scope: Scope) -> Scope:
    with contextlib.suppress(AttributeError):  # an object without a __dict__: nothing kept
        setattr(user, _MEMO, (scope, time.monotonic(), _current[0]))
    return scope


def _invalidate() -> None:
    _current[0] = next(_generation)


def _credential_mark(user: Any) -> str | None:
    """Which connection a scope belongs to (None: no usable credential)."""
    credential = credential_for(user)
    if credential is None or not credential.is_active:
        return None
    return f"{credential.pk}:{credential.connected_at.isoformat()}"


# The parsed scope of each person, per process, keyed by the stored row's (credential, read
# time): a person who sees a large estate has a scope of thousands of VMs, and decoding and
# typing it on every request cost more than the rest of the request's own work (1.2 ms of
# parse for 2,600 VMs, on top of fetching the JSON). Any process that reads the scope again
# writes a new read time, and a forgotten scope has no row: either way the key no longer
# matches, so a kept copy is never used for a row it was not parsed from.
_PARSED: OrderedDict[int, tuple[str, dt.datetime, Scope]] = OrderedDict()
_PARSED_PEOPLE = 256
_parsed_lock = threading.Lock()


def _stored(user_id: int, credential: str, read_at: dt.datetime) -> Scope | None:
    """The row's scope, parsed: this process's copy when it was parsed from that very row,
    else read from the database (its JSON column) and parsed once."""
    with _parsed_lock:
        kept = _PARSED.get(user_id)
        if kept is not None and kept[0] == credential and kept[1] == read_at:
            _PARSED.move_to_end(user_id)
            return kept[2]
    data = (
        BigVScope.objects.filter(user_id=user_id, credential=credential, read_at=read_at)
        .values_list("data", flat=True)
        .first()
    )
    if data is None:  # read again (or forgotten) meanwhile
        return None
    return _parsed(user_id, credential, read_at, Scope.from_json(data))


def _parsed(user_id: int, credential: str, read_at: dt.datetime, scope: Scope) -> Scope:
    with _parsed_lock:
        _PARSED[user_id] = (credential, read_at, scope)
        _PARSED.move_to_end(user_id)
        while len(_PARSED) > _PARSED_PEOPLE:
            _PARSED.popitem(last=False)
    return scope


def _ttl() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "PANEL_SCOPE_SECONDS", 300)))


# Which connection the kept scope was read with, and when: asked on every page
# (panel.core.compiled_reads), so compiled once and run with the person's id.
_KEPT_KEY = CompiledRead(
    lambda user_id: (
        BigVScope.objects.filter(user_id=user_id).only("credential", "read_at").order_by("pk")[:1]
    ),
)


def scope_for(user: Any, *, refresh: bool = False, at_most_every: float = 0.0) -> Scope:
    """``user``'s BigV scope, read again when stale, when asked (``refresh``), or when it is
    older than ``at_most_every`` seconds (a lookup that missed)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY
    if not refresh and not at_most_every and (memo := _memo(user)) is not None:
        return memo
    mark = _credential_mark(user)
    if mark is None:
        return _remember(user, EMPTY)
    # The row's key first, without its JSON: the parsed copy may already be here.
    kept = _KEPT_KEY.first(user.pk)
    if kept is not None and kept.credential == mark and not refresh:
        age = timezone.now() - kept.read_at
        if age < _ttl() and (not at_most_every or age.total_seconds() < at_most_every):
            stored = _stored(user.pk, mark, kept.read_at)
            if stored is not None:
                return _remember(user, stored)
    return _remember(user, _read(user, mark))


def _read(user: Any, mark: str) -> Scope:
    try:
        with client_for(user) as client:
            scope = Scope.read(
                client.privileges(), client.accounts(overview=True, include_deleted=True)
            )
    except (NotConnected, CredentialError):
        return EMPTY
    except BigVError as error:
        # BigV unreachable: keep using what was read last (stale beats empty for deciding
        # what to *show*; every change is still decided by BigV itself).
        logger.warning("BigV scope of user %s not read again: %r", user.pk, error)
        last = BigVScope.objects.filter(user_id=user.pk, credential=mark)
        read_at = last.values_list("read_at", flat=True).first()
        stored = _stored(user.pk, mark, read_at) if read_at is not None else None
        return stored or EMPTY
    _keep(user.pk, mark, scope)
    return scope


def _keep(user_id: int, mark: str, scope: Scope) -> None:
    _invalidate()
    read_at = timezone.now()
    values = {"credential": mark, "data": scope.to_json(), "read_at": read_at}
    try:
        with transaction.atomic():
            BigVScope.objects.update_or_create(user_id=user_id, defaults=values)
    except IntegrityError:  # two requests read it at once: either copy will do
        return
    _parsed(user_id, mark, read_at, scope)


def scope_refresh(user: Any) -> Scope:
    """Read the person's BigV access again now (after a grant or a revoke)."""
    return scope_for(user, refresh=True)


def scope_forget(user_ids: Iterable[int]) -> None:
    """Drop what was kept of these people's BigV access (a grant or revoke concerned their
    BigV user): each reads theirs again, with their own credential, on their next page —
    nobody's credential is used on another's behalf."""
    _invalidate()
    BigVScope.objects.filter(user_id__in=list(user_ids)).delete()


def scope_knowing(user: Any, found: Any) -> Scope:
    """The scope, read again (at most every few seconds) when ``found(scope)`` is false: the
    kept scope may simply predate the object asked about."""
    scope = scope_for(user)
    if found(scope):
        return scope
    return scope_for(user, at_most_every=MISS_REFRESH_SECONDS)
