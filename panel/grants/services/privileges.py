"""Grant, revoke, and change the YubiKey requirement of BigV privileges.

Each: the object as the person's BigV user sees it and their level on it (refused, audited,
before any API call when BigV would refuse), the object's privileges read (the CLI does the
same to find one), then the one write inside ``audit.intent``. After a change that concerns
a BigV user, the scopes the panel keeps of the people connected as it are brought up to date
(``_after``). BigV's own refusal is said in a sentence: a 403 means the panel's view of the
person's access was out of date, so it is read again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError

from panel.access.levels import Level
from panel.access.policy import Denied, person
from panel.access.services import scope_refresh
from panel.audit import Action, intent
from panel.bigv import BigVClient, Forbidden, NotFound, Privilege, PrivilegeGrant
from panel.core.actor import Actor
from panel.grants import selectors
from panel.grants.checks import checked_target, require
from panel.grants.services._after import after_change
from panel.grants.targets import AccessTarget, Place


def _snapshot(privilege: Privilege) -> dict[str, Any]:
    # Audit keys avoid the words the redactor treats as secrets ("yubikey", "api_key").
    return {
        "privilege_id": privilege.id,
        "grantee": privilege.username,
        "level": privilege.level,
        "second_factor_required": privilege.yubikey_required,
        "key_id": privilege.api_key_id,
    }


@contextmanager
def _bigv_refusals(actor: Actor, target: AccessTarget, gone: str) -> Iterator[None]:
    """BigV's 403 and 404 in sentences (already audited by the intent)."""
    try:
        yield
    except Forbidden as error:
        user = person(actor)
        if user is not None:
            scope_refresh(user)  # the panel's view was wider than BigV's: read it again
        raise Denied(
            f"BigV refused: your BigV user may grant, change or revoke only levels below its "
            f"own on {target.name}. The panel has read your BigV access again."
        ) from error
    except NotFound as error:
        raise ValidationError(gone) from error


def privilege_grant(
    *,
    actor: Actor,
    client: BigVClient,
    place: Place,
    username: str,
    level: Level,
    yubikey_required: bool = False,
) -> Privilege:
    """Grant ``level`` on the object to the BigV user ``username`` (below one's own level)."""
    action = Action.PRIVILEGE_GRANT
    target = checked_target(actor, place, action)
    require(actor, target, action, level)
    if selectors.already_held(target.privileges(client), username, level):
        raise ValidationError(f"{username} already holds {level.label} on {target.name}.")
    grant = PrivilegeGrant(username, level.label, target.id, yubikey_required=yubikey_required)
    params = {"grantee": username, "level": level.label, "second_factor_required": yubikey_required}
    gone = f"BigV has no user called “{username}” (or {target.name} is gone)."
    with (
        _bigv_refusals(actor, target, gone),
        intent(actor=actor, action=action, target=target.audit_target(), params=params) as entry,
    ):
        with client.answered() as answer:
            granted = client.privilege_grant(grant)
        entry.succeeded(after=_snapshot(granted), api_status=answer.status)
    after_change(actor, username)
    return granted


def _change(
    *,
    actor: Actor,
    client: BigVClient,
    place: Place,
    privilege_id: int,
    action: Action,
    write: Callable[[Privilege], Privilege | None],
    check: Callable[[Privilege], None] = lambda privilege: None,
) -> Privilege:
    """A change to one privilege on the object: found by listing, checked, written."""
    target = checked_target(actor, place, action)
    require(actor, target, action, None)  # may they change anything here at all?
    found = selectors.find_privilege(client, target, privilege_id)
    require(actor, target, action, Level.of(found.level))
    check(found)
    gone = f"That privilege is no longer on {target.name} (revoked meanwhile?)."
    params = {"privilege_id": privilege_id}
    with (
        _bigv_refusals(actor, target, gone),
        intent(
            actor=actor,
            action=action,
            target=target.audit_target(),
            params=params,
            before=_snapshot(found),
        ) as entry,
    ):
        with client.answered() as answer:
            changed = write(found)
        entry.succeeded(
            after=_snapshot(changed) if changed is not None else None, api_status=answer.status
        )
    if found.username:
        after_change(actor, found.username)
    return changed or found


def privilege_revoke(
    *, actor: Actor, client: BigVClient, place: Place, privilege_id: int
) -> Privilege:
    """Revoke one privilege on the object (below one's own level); returns what it was."""

    def write(found: Privilege) -> None:
        client.privilege_revoke(found.id)

    return _change(
        actor=actor,
        client=client,
        place=place,
        privilege_id=privilege_id,
        action=Action.PRIVILEGE_REVOKE,
        write=write,
    )


def _not_for_keys(found: Privilege) -> None:
    if found.api_key_id is not None:
        raise ValidationError(
            "This privilege is for an API key: it cannot require a YubiKey (the key could "
            "never use it)."
        )


def privilege_set_yubikey(
    *, actor: Actor, client: BigVClient, place: Place, privilege_id: int, required: bool
) -> Privilege:
    """Whether using the privilege needs a YubiKey (or a one-time code) login."""
    return _change(
        actor=actor,
        client=client,
        place=place,
        privilege_id=privilege_id,
        action=Action.PRIVILEGE_YUBIKEY,
        write=lambda found: client.privilege_set_yubikey(found.id, required=required),
        check=_not_for_keys if required else lambda found: None,
    )
