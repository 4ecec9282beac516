"""Group changes: validate → call the client → audit → return (docs/architecture.md, Layers).

Every refusal or failure from the API is audited with ``record_failure`` (one entry per
attempted action; its outcome says refused/failed and it carries the API status), then
re-raised for the view to explain; a success carries the status the API answered too. A
403/404 on a write is thereby recorded as the denied action itself; no separate
``authz.denied`` entry is written, so one click is one entry.
"""

from __future__ import annotations

from panel.audit import Action, Outcome, Target, record, record_failure
from panel.bigv import BigVClient, BigVError
from panel.bigv.types import Group
from panel.core.actor import Actor
from panel.inventory.validation import validate_group_name


def group_create(*, actor: Actor, client: BigVClient, account: str, name: str) -> Group:
    validate_group_name(name)
    params = {"account": account, "name": name}
    try:
        with client.answered() as answer:
            group = client.group_create(account, name=name)
    except BigVError as exc:
        record_failure(
            actor=actor,
            action=Action.GROUP_CREATE,
            target=Target.group("", name, account),
            params=params,
            error=exc,
        )
        raise
    record(
        actor=actor,
        action=Action.GROUP_CREATE,
        outcome=Outcome.SUCCEEDED,
        target=Target.group(group.id, group.name, account),
        params=params,
        after={"id": group.id, "name": group.name},
        api_status=answer.status,
    )
    return group


def group_rename(*, actor: Actor, client: BigVClient, account: str, group: str, name: str) -> Group:
    validate_group_name(name)
    params = {"account": account, "group": group, "name": name}
    try:
        with client.answered() as answer:
            renamed = client.group_rename(account, group, name=name)
    except BigVError as exc:
        record_failure(
            actor=actor,
            action=Action.GROUP_RENAME,
            target=Target.group("", group, account),
            params=params,
            error=exc,
        )
        raise
    record(
        actor=actor,
        action=Action.GROUP_RENAME,
        outcome=Outcome.SUCCEEDED,
        target=Target.group(renamed.id, renamed.name, account),
        params=params,
        # The group is named in the URL by its old name; no extra GET just to read it back.
        before={"name": group},
        after={"id": renamed.id, "name": renamed.name},
        api_status=answer.status,
    )
    return renamed


def group_delete(*, actor: Actor, client: BigVClient, account: str, group: str) -> None:
    params = {"account": account, "group": group}
    target = Target.group("", group, account)
    try:
        with client.answered() as answer:
            client.group_delete(account, group)
    except BigVError as exc:
        record_failure(
            actor=actor,
            action=Action.GROUP_DELETE,
            target=target,
            params=params,
            error=exc,
        )
        raise
    record(
        actor=actor,
        action=Action.GROUP_DELETE,
        outcome=Outcome.SUCCEEDED,
        target=target,
        params=params,
        before={"name": group},
        api_status=answer.status,
    )
