"""Throttling of password guesses: logging in, and (logged in) changing one's password.

Two counts per account, each in a fixed window of ``PANEL_LOGIN_COOLOFF_SECONDS``:

- **from one address** — ``PANEL_LOGIN_FAILURE_LIMIT`` (5) failures lock the (account,
  address) pair: one attacker is stopped, and neither the same person elsewhere nor the rest of
  a shared office address is locked out by it;
- **from every address together** — ``PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT`` (20) failures lock
  the account everywhere: an attacker with many addresses cannot go on guessing one password.
  This is the one a stranger can use to lock a colleague out; ``manage.py login_unlock
  USERNAME`` lifts it (and every pair's).

A lock lasts the cool-off; the count starts again a cool-off after its first failure, or when
a lock ends. A successful log-in forgets its own pair's failures, not the account's (those
may be someone else's). The account is what Django's authentication would look up:
``account_key`` folds exactly what the login form folds (NFKC, as
``AbstractBaseUser.normalize_username``; surrounding spaces, as the form's field strips them)
and case on top, so a full-width or differently-cased name counts against the same account.

Counts live in the database (``LoginFailure``), so they hold across processes and machines.
Throttling decides; it writes no audit entry — the caller (``panel.people.services``) does.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from panel.people.models import LoginFailure

Scope = LoginFailure.Scope

# Attacker-controlled text: keep what a row (and the audit entry) holds short.
MAX_USERNAME = 150
# The ``ip`` of an account's count from every address.
EVERY_ADDRESS = "*"


def account_key(username: object) -> str:
    """The account a typed username would log in to, folded so look-alikes are one account."""
    text = username if isinstance(username, str) else ""
    folded = AbstractBaseUser.normalize_username(text.strip()).strip().casefold()
    # Case folding can undo NFKC for a few characters: normalise again so the key is stable.
    return unicodedata.normalize("NFKC", folded)[:MAX_USERNAME]


@dataclass(frozen=True)
class Lock:
    until: dt.datetime
    every_address: bool  # the account's lock from every address, not only this one
    failures: int  # how many failures started it


@dataclass(frozen=True)
class Failure:
    failures: int  # from this address, in its window
    account_failures: int  # from every address, in its window
    started: tuple[Lock, ...]  # the locks this failure started (usually none)


def _address(ip: str | None) -> str:
    return ip or ""


def _cool_off() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PANEL_LOGIN_COOLOFF_SECONDS)


def lock(*, scope: str = Scope.LOGIN, username: str, ip: str | None) -> Lock | None:
    """The lock in force for this account from this address (the later-ending one), or None."""
    rows = LoginFailure.objects.filter(
        scope=scope,
        username=account_key(username),
        ip__in=[_address(ip), EVERY_ADDRESS],
        locked_until__gt=timezone.now(),
    ).order_by("-locked_until")
    row = rows.first()
    if row is None or row.locked_until is None:
        return None
    return Lock(
        until=row.locked_until, every_address=row.ip == EVERY_ADDRESS, failures=row.failures
    )


def note_failure(*, scope: str = Scope.LOGIN, username: str, ip: str | None) -> Failure:
    """Count one failed password for the pair and for the account; lock what reached its
    limit."""
    name = account_key(username)
    for attempt in range(3):  # two first failures racing to insert a row: try again
        try:
            with transaction.atomic():
                # Always the pair first, then the account: concurrent failures take the row
                # locks in the same order.
                pair = _count(scope, name, _address(ip), settings.PANEL_LOGIN_FAILURE_LIMIT)
                every = _count(
                    scope, name, EVERY_ADDRESS, settings.PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT
                )
            break
        except IntegrityError:
            if attempt == 2:
                raise
    started = tuple(
        Lock(until=until, every_address=is_every, failures=count)
        for (count, until), is_every in ((pair, False), (every, True))
        if until is not None
    )
    return Failure(failures=pair[0], account_failures=every[0], started=started)


def _count(scope: str, name: str, address: str, limit: int) -> tuple[int, dt.datetime | None]:
    """(failures in the window, the end of the lock this failure started or None)."""
    now = timezone.now()
    row = (
        LoginFailure.objects.select_for_update()
        .filter(scope=scope, username=name, ip=address)
        .first()
    )
    if row is None:
        row = LoginFailure(scope=scope, username=name, ip=address, window_started_at=now)
    expired_lock = row.locked_until is not None and row.locked_until <= now
    if expired_lock or now - row.window_started_at >= _cool_off():
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1
    started = None
    if row.failures >= limit and row.locked_until is None:
        row.locked_until = started = now + _cool_off()
    row.save()
    return row.failures, started


def clear_failures(*, scope: str = Scope.LOGIN, username: str, ip: str | None) -> None:
    """A success forgets the pair's failures. The account's count from every address stays:
    it may be a stranger's, and one right password must not wipe it."""
    LoginFailure.objects.filter(
        scope=scope, username=account_key(username), ip=_address(ip)
    ).delete()


def unlock(*, username: str, ip: str | None = None) -> int:
    """For operators (``manage.py login_unlock``): lift the account's locks and counts — the
    log-in's and the password change's, from every address and each pair — or only the pairs
    from ``ip``. Returns how many rows went."""
    rows = LoginFailure.objects.filter(username=account_key(username))
    if ip is not None:
        rows = rows.filter(ip__in={ip.strip(), _canonical(ip)})
    deleted, _ = rows.delete()
    return deleted


def _canonical(ip: str) -> str:
    """As ``panel.core.client_address`` writes it (an operator may type it otherwise)."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip.strip()
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)
