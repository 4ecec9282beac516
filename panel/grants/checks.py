"""May this person grant, change or revoke a privilege here? Asked by the pages (to offer
only what is allowed) and by the services (to refuse before any API call, audited).

BigV's rule (docs/bigv-api.md §10, §13 C13): only levels below one's own level on the object.
The panel role comes first: an auditor changes nothing, whatever their BigV user holds.
"""

from __future__ import annotations

from typing import Any

from panel.access.levels import Level
from panel.access.policy import NOT_VISIBLE, Denied, NotVisible, person
from panel.access.roles import may_change, role_name
from panel.audit import Action, Outcome, Target, record
from panel.core.actor import Actor
from panel.grants.targets import AccessTarget, Place, resolve


def _held(target: AccessTarget) -> str:
    return target.level.label if target.level else "no privilege"


def role_refusal(user: Any) -> str | None:
    """Why ``user``'s panel role may not change BigV (None: it may)."""
    if user is None or not user.is_active:
        return "Log in first."
    if not may_change(user):
        return f"Your panel role ({role_name(user)}) changes nothing in BigV."
    return None


def refusal(user: Any, target: AccessTarget, level: Level | None = None) -> str | None:
    """Why ``user`` may not grant, change or revoke ``level`` on ``target`` — or, with no
    level, anything there at all. None: they may."""
    why = role_refusal(user)
    if why is not None:
        return why
    if target.kind == "account":
        return (
            f"Your BigV user may not change privileges on {target.name} here: account_admin "
            "is granted and revoked by Bytemark's cluster staff, not through the panel."
        )
    if level is None:
        if target.grantable:
            return None
        return (
            f"Your BigV user may not grant or revoke privileges on {target.name}: BigV allows "
            f"that only below one's own level there, and it holds {_held(target)}."
        )
    if level in target.grantable:
        return None
    return (
        f"Your BigV user may not grant, change or revoke {level.label} on {target.name}: BigV "
        f"allows that only below one's own level there, and it holds {_held(target)}."
    )


def _denied(actor: Actor, action: Action, target: Target, message: str) -> Denied:
    record(actor=actor, action=action, outcome=Outcome.DENIED, target=target, api_error=message)
    return Denied(message)


def checked_target(actor: Actor, place: Place, action: Action) -> AccessTarget:
    """The object, or an audited refusal: 404 when the person's BigV user cannot see it."""
    try:
        return resolve(person(actor), place)
    except NotVisible:
        target = place.audit_target()
        record(
            actor=actor, action=action, outcome=Outcome.DENIED, target=target, api_error=NOT_VISIBLE
        )
        raise


def require(actor: Actor, target: AccessTarget, action: Action, level: Level | None) -> None:
    """Refuse (audited, before any API call) what ``refusal`` would not allow."""
    message = refusal(person(actor), target, level)
    if message is not None:
        raise _denied(actor, action, target.audit_target(), message)


def require_role(actor: Actor, action: Action, target: Target) -> None:
    """Refuse (audited) a change to one's own BigV user (an API key) the role does not allow."""
    message = role_refusal(person(actor))
    if message is not None:
        raise _denied(actor, action, target, message)
