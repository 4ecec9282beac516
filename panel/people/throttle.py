"""Login throttling: too many failures for one username from one address lock that pair for a
cool-off period.

Only the pair is locked: the same person from another address, and everyone else from this
one, can still log in — an attacker cannot lock a colleague out from the outside, and a shared
office address does not lock the whole team out. Counts live in the database (``LoginFailure``)
so they hold across processes and machines. The window is fixed: the count starts again
``PANEL_LOGIN_COOLOFF_SECONDS`` after its first failure, or when a lock ends.

Throttling decides; it writes no audit entry — the caller (``panel.people.services``) does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from panel.people.models import LoginFailure

# Attacker-controlled text: keep what a row (and the audit entry) holds short.
MAX_USERNAME = 150


@dataclass(frozen=True)
class Failure:
    failures: int
    locked_until: dt.datetime | None  # set when this failure started a lock

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def _pair(username: str, ip: str | None) -> tuple[str, str]:
    return username.strip().lower()[:MAX_USERNAME], ip or ""


def _cool_off() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PANEL_LOGIN_COOLOFF_SECONDS)


def locked_until(*, username: str, ip: str | None) -> dt.datetime | None:
    """When the pair's lock ends, or None when it may try now."""
    name, address = _pair(username, ip)
    row = LoginFailure.objects.filter(username=name, ip=address).first()
    if row is None or row.locked_until is None or row.locked_until <= timezone.now():
        return None
    return row.locked_until


def note_failure(*, username: str, ip: str | None) -> Failure:
    """Count one failed password for the pair; lock it when the limit is reached."""
    name, address = _pair(username, ip)
    for _attempt in range(3):  # two first failures racing to insert the row: retry once
        try:
            return _count(name, address)
        except IntegrityError:
            continue
    return _count(name, address)


def _count(name: str, address: str) -> Failure:
    now = timezone.now()
    with transaction.atomic():
        row = LoginFailure.objects.select_for_update().filter(username=name, ip=address).first()
        if row is None:
            row = LoginFailure(username=name, ip=address, window_started_at=now)
        expired_lock = row.locked_until is not None and row.locked_until <= now
        if expired_lock or now - row.window_started_at >= _cool_off():
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        started_lock = None
        if row.failures >= settings.PANEL_LOGIN_FAILURE_LIMIT and row.locked_until is None:
            row.locked_until = started_lock = now + _cool_off()
        row.save()
    return Failure(failures=row.failures, locked_until=started_lock)


def clear_failures(*, username: str, ip: str | None) -> None:
    """A successful login forgets the pair's failures (other pairs keep theirs)."""
    name, address = _pair(username, ip)
    LoginFailure.objects.filter(username=name, ip=address).delete()


def unlock(*, username: str, ip: str | None = None) -> int:
    """For operators (``manage.py login_unlock``): lift the username's locks; how many."""
    name = username.strip().lower()[:MAX_USERNAME]
    rows = LoginFailure.objects.filter(username=name)
    if ip is not None:
        rows = rows.filter(ip=ip)
    deleted, _ = rows.delete()
    return deleted
