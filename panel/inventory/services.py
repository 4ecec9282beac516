"""Group changes: validate → call the client → audit → return (docs/architecture.md, Layers).

Each call runs inside ``audit.intent``: its entry is started before the request and completed
after it, so a crash in between leaves an "outcome unknown" entry rather than none. Every
refusal or failure from the API is audited by the intent (one entry per attempted action;
its outcome says refused/failed and it carries the API status), then re-raised for the view
to explain; a success carries the status the API answered too. A 403/404 on a write is
thereby recorded as the denied action itself; no separate ``authz.denied`` entry is written,
so one click is one entry.
"""

from __future__ import annotations

from panel.access.levels import Need
from panel.access.policy import require_account
from panel.audit import Action, Target, intent
from panel.bigv import BigVClient
from panel.bigv.types import Group
from panel.core.actor import Actor
from panel.inventory.validation import validate_group_name


def _require_account_admin(actor: Actor, action: Action, account: str, target: Target) -> None:
    """Groups are created, renamed and deleted by an account_admin (docs/bigv-api.md §10):
    anyone else is refused here, audited, before any API call."""
    require_account(
        actor=actor, account=account, need=Need.ADMINISTER, action=action, target=target
    )


def group_create(*, actor: Actor, client: BigVClient, account: str, name: str) -> Group:
    validate_group_name(name)
    _require_account_admin(actor, Action.GROUP_CREATE, account, Target.group("", name, account))
    params = {"account": account, "name": name}
    with intent(
        actor=actor,
        action=Action.GROUP_CREATE,
        target=Target.group("", name, account),
        params=params,
    ) as entry:
        with client.answered() as answer:
            group = client.group_create(account, name=name)
        entry.succeeded(
            target=Target.group(group.id, group.name, account),
            after={"id": group.id, "name": group.name},
            api_status=answer.status,
        )
    return group


def group_rename(*, actor: Actor, client: BigVClient, account: str, group: str, name: str) -> Group:
    validate_group_name(name)
    _require_account_admin(actor, Action.GROUP_RENAME, account, Target.group("", group, account))
    params = {"account": account, "group": group, "name": name}
    with intent(
        actor=actor,
        action=Action.GROUP_RENAME,
        target=Target.group("", group, account),
        params=params,
    ) as entry:
        with client.answered() as answer:
            renamed = client.group_rename(account, group, name=name)
        entry.succeeded(
            target=Target.group(renamed.id, renamed.name, account),
            # The group is named in the URL by its old name; no extra GET just to read it back.
            before={"name": group},
            after={"id": renamed.id, "name": renamed.name},
            api_status=answer.status,
        )
    return renamed


def group_delete(*, actor: Actor, client: BigVClient, account: str, group: str) -> None:
    _require_account_admin(actor, Action.GROUP_DELETE, account, Target.group("", group, account))
    params = {"account": account, "group": group}
    with intent(
        actor=actor,
        action=Action.GROUP_DELETE,
        target=Target.group("", group, account),
        params=params,
    ) as entry:
        with client.answered() as answer:
            client.group_delete(account, group)
        entry.succeeded(before={"name": group}, api_status=answer.status)
