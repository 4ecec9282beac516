"""Create and delete one's own BigV API keys.

The secret of a new key exists in this process only while its page is answered: it is never
stored (no model, no session, no flash message), never in the audit trail (the entry names
the key's id and label), and cut out of every later log line (``remember_secret``). A new key
can do nothing until privileges carrying its id are granted: like the CLI's ``add api key``,
the panel grants the ones asked for right after creating it, each audited; one that BigV
refuses is reported beside the secret, which is still shown (the key exists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from panel.access.policy import NOT_VISIBLE, NotVisible, person
from panel.audit import Action, Outcome, Target, intent, record
from panel.bigv import ApiKey, BigVClient, BigVError, NewApiKey, Privilege, PrivilegeGrant
from panel.core.actor import Actor
from panel.core.log_redaction import remember_secret
from panel.credentials.selectors import credential_for
from panel.grants import selectors
from panel.grants.checks import require_role
from panel.grants.selectors import KeyGrant
from panel.grants.services._after import after_change


@dataclass(frozen=True)
class CreatedKey:
    new: NewApiKey  # carries the secret: rendered once, then dropped
    granted: tuple[Privilege, ...]
    failed: tuple[str, ...]  # each privilege BigV refused, in words


def _key_target(key_id: object, label: str, bigv_username: str) -> Target:
    return Target("api_key", str(key_id), f"API key “{label}” of BigV user {bigv_username}")


def _bigv_username(actor: Actor) -> str:
    user = person(actor)
    credential = credential_for(user) if user is not None else None
    return credential.bigv_username if credential is not None else ""


def api_key_create(
    *,
    actor: Actor,
    client: BigVClient,
    label: str,
    expires: dt.datetime | None,
    grants: Sequence[KeyGrant] = (),
) -> CreatedKey:
    username = _bigv_username(actor)
    action = Action.API_KEY_CREATE
    require_role(actor, action, _key_target("", label, username))
    expires_at = expires.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if expires else None
    params = {"label": label, "expires_at": expires_at, "privileges": [g.label for g in grants]}
    with intent(
        actor=actor, action=action, target=_key_target("", label, username), params=params
    ) as entry:
        with client.answered() as answer:
            new = client.api_key_create(label=label, expires_at=expires_at)
        remember_secret(new.secret)  # from now on cut out of every log line of this process
        entry.succeeded(
            target=_key_target(new.key.id, new.key.label, username),
            after={"key_id": new.key.id, "label": new.key.label, "expires_at": new.key.expires_at},
            api_status=answer.status,
        )
    granted: list[Privilege] = []
    failed: list[str] = []
    for grant in grants:
        try:
            granted.append(_grant_to_key(actor, client, username, new.key, grant))
        except BigVError as error:
            failed.append(f"{grant.label}: {error.message}")
    if granted:
        after_change(actor, username)
    return CreatedKey(new=new, granted=tuple(granted), failed=tuple(failed))


def _grant_to_key(
    actor: Actor, client: BigVClient, username: str, key: ApiKey, grant: KeyGrant
) -> Privilege:
    """One of the person's own privileges, for the new key only (BigV allows one's own level
    for one's own key, §10)."""
    spec = PrivilegeGrant(username, grant.level.label, grant.object_id, api_key_id=key.id)
    params = {"grantee": username, "level": grant.level.label, "key_id": key.id}
    target = grant.place.audit_target(grant.object_id)
    with intent(actor=actor, action=Action.PRIVILEGE_GRANT, target=target, params=params) as entry:
        with client.answered() as answer:
            privilege = client.privilege_grant(spec)
        entry.succeeded(after={"privilege_id": privilege.id}, api_status=answer.status)
    return privilege


def api_key_delete(*, actor: Actor, client: BigVClient, key_id: int) -> ApiKey:
    """Delete one of one's own keys (its privileges go with it); returns what it was."""
    username = _bigv_username(actor)
    action = Action.API_KEY_DELETE
    require_role(actor, action, _key_target(key_id, "", username))
    key = selectors.find_key(client, key_id)
    if key is None:  # not one's own, or gone: as BigV answers
        record(
            actor=actor,
            action=action,
            outcome=Outcome.DENIED,
            target=_key_target(key_id, "", username),
            api_error=NOT_VISIBLE,
        )
        raise NotVisible()
    before = {
        "key_id": key.id,
        "label": key.label,
        "expires_at": key.expires_at,
        "privileges": [f"{p.level} on {_on(p)}" for p in key.privileges],
    }
    with intent(
        actor=actor, action=action, target=_key_target(key.id, key.label, username), before=before
    ) as entry:
        with client.answered() as answer:
            client.api_key_delete(key.id)
        entry.succeeded(api_status=answer.status)
    if key.privileges:
        after_change(actor, username)
    return key


def _on(privilege: Privilege) -> str:
    return (
        privilege.virtual_machine_name
        or (privilege.group_name and f"group {privilege.group_name}")
        or (privilege.account_name and f"account {privilege.account_name}")
        or "?"
    )
