"""Consoles opened in the browser: who may open one, how many at once, and when one ends.

Opening takes two steps. The VM page's script asks for a *ticket* (a POST, so CSRF-checked):
the panel checks the person's level on the VM before any API call (audited when refused),
reads the VM once for its management address, and signs a ticket bound to the person, their
login session and the VM, valid for a minute. The WebSocket then presents it
(``consumers.py``): ``console_open`` checks everything again (they may have lost the level,
been deactivated or disconnected meanwhile), enforces ``PANEL_CONSOLE_MAX_PER_PERSON`` and
keeps a ``ConsoleSession`` row. ``console_check`` runs every ``PANEL_CONSOLE_CHECK_SECONDS``
while it is open; ``console_close`` ends the row and audits how long it lasted and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from panel.access.levels import Need
from panel.access.policy import Denied, require_vm, vm_abilities
from panel.access.services import scope_knowing
from panel.audit import Action, Outcome, Target, record
from panel.bigv import BigVClient
from panel.console import logins
from panel.console.keys import open_private_key
from panel.console.models import ConsoleKey, ConsoleSession
from panel.core.actor import Actor
from panel.credentials.selectors import credential_for

TICKET_SALT = "panel.console.ticket"
TICKET_SECONDS = 60
End = ConsoleSession.End


class TicketInvalid(Exception):
    """Expired, forged, or made for another person, login or VM."""


@dataclass(frozen=True, slots=True)
class Ticket:
    user_id: int
    login: str  # a keyed hash of the login session's key, not the key itself
    vm_id: int
    account: str
    group: str
    vm: str
    management_address: str
    bigv_username: str

    @property
    def label(self) -> str:
        return f"{self.vm} in {self.account}/{self.group}"

    @property
    def target(self) -> Target:
        return Target.vm(self.vm_id, self.vm, self.account, self.group)


def _login_hash(session_key: str) -> str:
    return salted_hmac(TICKET_SALT, session_key, algorithm="sha256").hexdigest()


def console_ticket(
    *,
    actor: Actor,
    client: BigVClient,
    user: Any,
    session_key: str,
    account: str,
    group: str,
    vm: str,
) -> str:
    """Refuse (audited) unless the person may open the VM's console; else a signed ticket."""
    scope = scope_knowing(user, lambda s: s.vm_id(account, group, vm) is not None)
    vm_id = scope.vm_id(account, group, vm)
    target = Target.vm(
        vm_id if vm_id is not None else f"{account}/{group}/{vm}", vm, account, group
    )
    require_vm(
        actor=actor,
        vm_id=vm_id,
        vm_name=vm,
        need=Need.CONSOLE,
        action=Action.CONSOLE_OPEN,
        target=target,
    )
    found = client.vm(account, group, vm)
    refusal = ""
    if found.deleted:
        refusal = f"{found.name} is deleted: undelete it to use its console."
    elif not found.management_address:
        refusal = f"BigV reports no management address for {found.name} yet."
    credential = credential_for(user)
    if refusal or credential is None:
        refusal = refusal or "Connect your BigV account first."
        record(
            actor=actor,
            action=Action.CONSOLE_OPEN,
            outcome=Outcome.DENIED,
            target=target,
            api_error=refusal,
        )
        raise Denied(refusal)
    ticket = Ticket(
        user_id=user.pk,
        login=_login_hash(session_key),
        vm_id=found.id,
        account=account,
        group=group,
        vm=found.name,
        management_address=found.management_address or "",
        bigv_username=credential.bigv_username,
    )
    return signing.dumps(asdict(ticket), salt=TICKET_SALT)


def read_ticket(value: str, *, user_id: int, session_key: str) -> Ticket:
    try:
        data = signing.loads(value, salt=TICKET_SALT, max_age=TICKET_SECONDS)
        ticket = Ticket(**data)
    except (signing.BadSignature, TypeError) as error:
        raise TicketInvalid("the console ticket expired or is not valid") from error
    if ticket.user_id != user_id or ticket.login != _login_hash(session_key):
        raise TicketInvalid("the console ticket belongs to another login")
    return ticket


@dataclass(frozen=True)
class Opening:
    session: ConsoleSession
    private_key: str  # OpenSSH text, in memory only for as long as the connection is made

    def __repr__(self) -> str:
        return f"Opening(session={self.session.pk}, private_key='***')"


def console_open(*, actor: Actor, user: Any, ticket: Ticket) -> Opening:
    """Everything checked again, the person's limit kept; the row of the console to open."""
    credential = credential_for(user)
    if credential is None or not credential.is_active:
        raise _denied(actor, ticket, "Connect your BigV account first.")
    if credential.bigv_username != ticket.bigv_username:
        raise _denied(actor, ticket, "You are connected to BigV as someone else now.")
    require_vm(
        actor=actor,
        vm_id=ticket.vm_id,
        vm_name=ticket.vm,
        need=Need.CONSOLE,
        action=Action.CONSOLE_OPEN,
        target=ticket.target,
    )
    key = ConsoleKey.objects.filter(user=user).first()
    if key is None or key.bigv_username != credential.bigv_username:
        raise _denied(actor, ticket, "Make a console key for your BigV user first.")
    private_key = open_private_key(user_id=user.pk, sealed=key.sealed_private_key)
    limit = settings.PANEL_CONSOLE_MAX_PER_PERSON
    with transaction.atomic():
        # One person's opens take turns, so two at once cannot both pass the count.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        _reap_lost(user)
        full = ConsoleSession.objects.filter(user=user, ended_at__isnull=True).count() >= limit
        session = None
        if not full:
            session = ConsoleSession.objects.create(
                user=user,
                vm_id=ticket.vm_id,
                vm_label=ticket.label,
                bigv_username=ticket.bigv_username,
                source_ip=actor.ip,
                seen_at=timezone.now(),
            )
    if session is None:  # refused outside the transaction, so that its entry stays
        raise _denied(actor, ticket, f"You have {limit} consoles open already: close one first.")
    return Opening(session=session, private_key=private_key)


def console_started(*, actor: Actor, session: ConsoleSession, ticket: Ticket, via: str) -> None:
    record(
        actor=actor,
        action=Action.CONSOLE_OPEN,
        outcome=Outcome.SUCCEEDED,
        target=ticket.target,
        params={"console": str(session.pk), "bigv_user": ticket.bigv_username, "via": via},
    )


def console_failed(*, actor: Actor, session: ConsoleSession, ticket: Ticket, why: str) -> None:
    """The console could not be reached or refused the key: the row ends, audited (both at
    once, as for a close)."""
    with transaction.atomic():
        ConsoleSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), end=End.REFUSED
        )
        record(
            actor=actor,
            action=Action.CONSOLE_OPEN,
            outcome=Outcome.FAILED,
            target=ticket.target,
            params={"console": str(session.pk), "bigv_user": ticket.bigv_username},
            api_error=why,
        )


def console_close(*, actor: Actor, session_id: Any, end: str) -> ConsoleSession | None:
    """End an open console's row and audit it (once: a second close does nothing) — in one
    transaction, so that no one sees a console ended without its entry in the trail."""
    now = timezone.now()
    with transaction.atomic():
        if not ConsoleSession.objects.filter(pk=session_id, ended_at__isnull=True).update(
            ended_at=now, end=end
        ):
            return None
        session = ConsoleSession.objects.get(pk=session_id)
        _record_close(actor, session)
    return session


def _record_close(actor: Actor, session: ConsoleSession) -> None:
    ended = session.ended_at or timezone.now()
    record(
        actor=actor,
        action=Action.CONSOLE_CLOSE,
        outcome=Outcome.SUCCEEDED,
        target=Target("vm", str(session.vm_id), session.vm_label),
        params={
            "console": str(session.pk),
            "bigv_user": session.bigv_username,
            "end": session.end,
            "seconds": int((ended - session.started_at).total_seconds()),
        },
    )


def console_check(*, session_id: Any, user_id: int, session_key: str, ticket: Ticket) -> str | None:
    """Why an open console must close now (an ``End``), or None; marks it as still alive."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.is_active or not logins.still_logged_in(session_key, user):
        return End.LOGGED_OUT
    credential = credential_for(user)
    if credential is None or not credential.is_active:
        return End.ACCESS
    if credential.bigv_username != ticket.bigv_username:
        return End.ACCESS
    if not vm_abilities(user, ticket.vm_id).console:
        return End.ACCESS
    ConsoleSession.objects.filter(pk=session_id).update(seen_at=timezone.now())
    return None


def _reap_lost(user: Any) -> None:
    """Rows whose process stopped checking them (it died): ended as lost, and audited."""
    cutoff = timezone.now() - dt.timedelta(seconds=4 * settings.PANEL_CONSOLE_CHECK_SECONDS + 30)
    lost = ConsoleSession.objects.filter(user=user, ended_at__isnull=True, seen_at__lt=cutoff)
    for session in lost:
        session.ended_at, session.end = session.seen_at, End.LOST
        session.save(update_fields=["ended_at", "end"])
        _record_close(Actor.system(), session)


def _denied(actor: Actor, ticket: Ticket, message: str) -> Denied:
    record(
        actor=actor,
        action=Action.CONSOLE_OPEN,
        outcome=Outcome.DENIED,
        target=ticket.target,
        api_error=message,
    )
    return Denied(message)
