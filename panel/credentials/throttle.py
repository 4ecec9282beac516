"""Connection attempts limited like log-ins: each panel user's refused BigV connections.

Connecting is a password guess too (an API key, a BigV password, a one-time code), so it is
limited like logging in: ``PANEL_LOGIN_FAILURE_LIMIT`` refused attempts by one panel user from
one address, or ``PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT`` from every address together, within
``PANEL_LOGIN_COOLOFF_SECONDS`` — then no attempt reaches BigV until the oldest of them is a
cool-off old (``ConnectThrottled`` says when). The refusals are counted from the audit trail,
where each of them is recorded anyway: ``credentials.rejected`` entries with outcome refused
that the person wrote about themselves, found through the trail's index on its target. (The
log-in's counters, ``panel.people.throttle``, sit in an app this one may not import; the
trail is below both.) A success from an address forgets that address's refusals; an
operator's ``auth.unlocked`` entry for the person (``manage.py login_unlock``) forgets them
all, or one address's.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from panel.audit import Action, Outcome, Target, record
from panel.audit.models import AuditEntry
from panel.bigv import BigVError
from panel.core.actor import Actor

# The throttle's name for connection attempts in ``auth.locked_out`` entries.
THROTTLE_SCOPE = "bigv_connect"


class ConnectThrottled(Exception):
    """Too many refused connection attempts: none is sent to BigV before ``until``."""

    def __init__(self, until: dt.datetime, *, every_address: bool) -> None:
        super().__init__(f"BigV connection attempts are locked until {until.isoformat()}")
        self.until = until
        self.every_address = every_address


@dataclass(frozen=True)
class _Lock:
    until: dt.datetime
    every_address: bool
    failures: int


def user_target(user: Any) -> Target:
    return Target.user(user.pk, user.get_username())


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PANEL_LOGIN_COOLOFF_SECONDS)


def _lock_from(refusals: Sequence[dt.datetime], limit: int, *, every_address: bool) -> _Lock | None:
    """Locked while ``limit`` refusals (newest first) fall within one window."""
    if len(refusals) < limit:
        return None
    until = refusals[limit - 1] + _window()
    if until <= timezone.now():
        return None
    return _Lock(until=until, every_address=every_address, failures=len(refusals))


def _connect_lock(*, actor: Actor, user: Any) -> _Lock | None:
    """The lock in force on the person's connection attempts from the actor's address."""
    pair_limit = settings.PANEL_LOGIN_FAILURE_LIMIT
    every_limit = settings.PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT
    entries = (
        AuditEntry.objects.filter(
            target_type="user",
            target_id=str(user.pk),
            created_at__gt=timezone.now() - _window(),
        )
        .filter(
            # Refused connection attempts: a stored credential BigV stops accepting is
            # recorded with its state before (``credentials_mark_rejected``) and is no guess.
            Q(
                action=Action.CREDENTIALS_REJECTED,
                outcome=Outcome.REFUSED,
                actor_id=user.pk,
                before__isnull=True,
            )
            | Q(action=Action.CREDENTIALS_CONNECT, outcome=Outcome.SUCCEEDED)
            | Q(action=Action.AUTH_UNLOCKED)
        )
        .order_by("-seq")
        .values_list("action", "source_ip", "params", "created_at")
    )[: 4 * max(pair_limit, every_limit)]
    here: list[dt.datetime] = []
    everywhere: list[dt.datetime] = []
    here_open = True
    for action, source_ip, params, created_at in entries:  # newest first
        if action == Action.AUTH_UNLOCKED:
            unlocked_ip = (params or {}).get("ip")
            if unlocked_ip is None:
                break  # everything before it was lifted
            here_open = here_open and _canonical(unlocked_ip) != actor.ip
        elif action == Action.CREDENTIALS_CONNECT:
            here_open = here_open and source_ip != actor.ip
        else:
            everywhere.append(created_at)
            if here_open and source_ip == actor.ip:
                here.append(created_at)
    locks = [
        lock
        for lock in (
            _lock_from(here, pair_limit, every_address=False),
            _lock_from(everywhere, every_limit, every_address=True),
        )
        if lock is not None
    ]
    return max(locks, key=lambda lock: lock.until, default=None)


def _canonical(ip: object) -> str | None:
    """An address as the operator typed it for ``login_unlock --ip``, as actors carry it."""
    try:
        address = ipaddress.ip_address(str(ip).strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def check_attempts(*, actor: Actor, user: Any, kind: str, bigv_username: str) -> None:
    """Refuse (and audit) an attempt while the person is locked out; operators (the system
    actor: seed_demo, management commands) are not throttled."""
    if actor.user_id is None:
        return
    lock = _connect_lock(actor=actor, user=user)
    if lock is None:
        return
    params: dict[str, Any] = {"kind": kind, "bigv_username": bigv_username, "locked_out": True}
    if lock.every_address:
        params["every_address"] = True
    record(
        actor=actor,
        action=Action.CREDENTIALS_REJECTED,
        outcome=Outcome.DENIED,
        target=user_target(user),
        params=params,
    )
    raise ConnectThrottled(lock.until, every_address=lock.every_address)


def after_refusal(*, actor: Actor, user: Any, error: BigVError) -> None:
    """A refusal that reached a limit writes ``auth.locked_out`` (as a log-in's does)."""
    if actor.user_id is None or not error.is_refusal:
        return
    lock = _connect_lock(actor=actor, user=user)
    if lock is None:
        return
    record(
        actor=actor,
        action=Action.AUTH_LOCKED_OUT,
        outcome=Outcome.DENIED,
        target=user_target(user),
        params={
            "scope": THROTTLE_SCOPE,
            "username": user.get_username(),
            "failures": lock.failures,
            "locked_until": lock.until.isoformat(),
            "every_address": lock.every_address,
        },
    )
