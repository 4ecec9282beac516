"""The SSH keys of a person's own BigV user, and their panel console key.

Each person manages the keys of the BigV user they connected as, with their own credential;
an auditor's role changes nothing in BigV, so their edits are refused before any call (as
for their API keys). The console key is the console's own means, and follows the console:
anyone whose BigV level lets them open a console may make one (docs/bigv-api.md §13, C83).
Every write to BigV runs inside an audit intent
(``panel.audit.intent``), so even a crash between the call and its result leaves a trace;
the audit entry names the key by fingerprint and comment, never more than BigV shows.

A console key is made on the server: the private half is sealed at once (``keys.py``) and the
public half added to the person's ``authorized_keys``; removing it takes it out of BigV too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from panel.access.policy import Denied, person
from panel.access.roles import may_change, role_name
from panel.audit import Action, Outcome, Target, intent, record
from panel.bigv import BigVClient, User
from panel.bigv.ssh_keys import AmbiguousKey, KeyNotListed, key_identity
from panel.console.keys import line_id, listed, new_key_pair, seal_private_key
from panel.console.models import ConsoleKey
from panel.core.actor import Actor

CONSOLE_KEY_COMMENT = "bigv-panel console key for {username}"


class KeyRefused(ValidationError):
    """The keys as they are now make this change wrong (in words, for the form)."""


@dataclass(frozen=True, slots=True)
class KeyChange:
    """What a change to ``authorized_keys`` did, as BigV answered it."""

    bigv_username: str
    fingerprint: str
    comment: str


def _target(actor: Actor) -> Target:
    return Target.user(actor.user_id, actor.username)


def _key_params(bigv_username: str, line: str) -> dict[str, Any]:
    key = listed(line)
    return {"bigv_user": bigv_username, "fingerprint": key.fingerprint, "comment": key.comment}


def _holds(user: User, line: str) -> bool:
    wanted = key_identity(line)
    return any(key_identity(held) == wanted for held in user.authorized_keys.splitlines())


def _require_role(actor: Actor, action: Action) -> None:
    """An auditor changes nothing in BigV: refused (audited) before any call."""
    user = person(actor)
    if user is not None and may_change(user):
        return
    role = role_name(user) if user is not None else "no role"
    message = f"Your panel role ({role}) changes nothing in BigV."
    record(
        actor=actor, action=action, outcome=Outcome.DENIED, target=_target(actor), api_error=message
    )
    raise Denied(message)


def ssh_key_add(*, actor: Actor, client: BigVClient, bigv_username: str, line: str) -> KeyChange:
    """Add one public-key line (already validated by the form) to the person's BigV user."""
    _require_role(actor, Action.SSH_KEY_ADD)
    params = _key_params(bigv_username, line)
    with intent(
        actor=actor, action=Action.SSH_KEY_ADD, target=_target(actor), params=params
    ) as entry:
        with client.answered() as answer:
            user = client.authorized_key_add(bigv_username, line)
        if not _holds(user, line):
            # Another change of the same user landed in between and BigV kept that one.
            error = KeyRefused("BigV did not keep the key; try again.")
            entry.failed(error, outcome=Outcome.FAILED)
            raise error
        entry.succeeded(
            after={"keys": len(user.authorized_keys.splitlines())}, api_status=answer.status
        )
    return KeyChange(bigv_username, params["fingerprint"], params["comment"])


def ssh_key_delete(
    *, actor: Actor, client: BigVClient, bigv_username: str, key_id: str
) -> KeyChange:
    """Remove the line ``key_id`` names (``keys.line_id``) from the person's BigV user. Their
    panel console key is removed with ``console_key_remove``, which also forgets its
    private half."""
    _require_role(actor, Action.SSH_KEY_DELETE)
    line = next(
        (held for held in client.authorized_keys(bigv_username) if line_id(held) == key_id),
        None,
    )
    if line is None:
        raise KeyRefused("That key is not among your BigV user's SSH keys.")
    console_key = ConsoleKey.objects.filter(user_id=actor.user_id or 0).first()
    if console_key is not None and key_identity(console_key.public_key) == key_identity(line):
        raise KeyRefused("That is your panel console key: remove it from a VM's console section.")
    params = _key_params(bigv_username, line)
    with intent(
        actor=actor, action=Action.SSH_KEY_DELETE, target=_target(actor), params=params
    ) as entry:
        try:
            with client.answered() as answer:
                user = client.authorized_key_delete(bigv_username, line)
        except (AmbiguousKey, KeyNotListed) as error:  # taken out meanwhile
            entry.failed(error, outcome=Outcome.DENIED)
            raise KeyRefused("That key is not among your BigV user's SSH keys.") from error
        keys = len(user.authorized_keys.splitlines())
        entry.succeeded(after={"keys": keys}, api_status=answer.status)
    return KeyChange(bigv_username, params["fingerprint"], params["comment"])


def console_key_create(
    *, actor: Actor, client: BigVClient, user: Any, bigv_username: str
) -> ConsoleKey:
    """Make the person's console key: the public half into their BigV user's
    ``authorized_keys`` (with their own credential), the private half sealed here."""
    _own(actor, user)
    if ConsoleKey.objects.filter(user=user).exists():
        raise KeyRefused("You already have a console key.")
    pair = new_key_pair(CONSOLE_KEY_COMMENT.format(username=user.get_username()))
    params = _key_params(bigv_username, pair.public_line)
    with intent(
        actor=actor, action=Action.CONSOLE_KEY_CREATE, target=_target(actor), params=params
    ) as entry:
        with client.answered() as answer:
            bigv_user = client.authorized_key_add(bigv_username, pair.public_line)
        if not _holds(bigv_user, pair.public_line):
            error = KeyRefused("BigV did not keep the key; try again.")
            entry.failed(error, outcome=Outcome.FAILED)
            raise error
        with transaction.atomic():
            key = ConsoleKey.objects.create(
                user=user,
                bigv_username=bigv_username,
                public_key=pair.public_line,
                fingerprint=params["fingerprint"],
                sealed_private_key=seal_private_key(
                    user_id=user.pk, private_openssh=pair.private_openssh
                ),
            )
        entry.succeeded(api_status=answer.status)
    return key


def console_key_remove(
    *, actor: Actor, client: BigVClient, user: Any, bigv_username: str
) -> ConsoleKey | None:
    """Take the console key out of BigV (when it is the same BigV user's) and forget it.
    Returns the key removed, or None when there was none."""
    _own(actor, user)
    key = ConsoleKey.objects.filter(user=user).first()
    if key is None:
        return None
    params = _key_params(key.bigv_username, key.public_key)
    with intent(
        actor=actor, action=Action.CONSOLE_KEY_REMOVE, target=_target(actor), params=params
    ) as entry:
        status = None
        if key.bigv_username == bigv_username:
            try:
                with client.answered() as answer:
                    client.authorized_key_delete(bigv_username, key.public_key)
                status = answer.status
            except KeyNotListed:
                pass  # already taken out of BigV some other way: only the row is left
        key.delete()
        entry.succeeded(api_status=status, after={"removed_from_bigv": status is not None})
    return key


def _own(actor: Actor, user: Any) -> None:
    """A person manages only their own console key."""
    if actor.user_id == user.pk:
        return
    record(
        actor=actor,
        action=Action.AUTHZ_DENIED,
        outcome=Outcome.DENIED,
        target=Target.user(user.pk, user.get_username()),
        params={"attempted": "console key"},
    )
    raise PermissionDenied("You may only manage your own console key.")
