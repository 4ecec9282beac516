"""Reads for the access pages and the API keys section: BigV's privileges on an object, the
plan of a grant, one's API keys, and which panel people are connected as which BigV user."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from panel.access.levels import Level
from panel.access.policy import Denied
from panel.access.services import scope_for
from panel.bigv import ApiKey, BigVClient, Privilege
from panel.core.names import segment
from panel.credentials.models import BigVCredential
from panel.credentials.selectors import credential_for
from panel.grants import words
from panel.grants.checks import refusal
from panel.grants.targets import KIND_OF_LEVEL, AccessTarget, Place


@dataclass(frozen=True)
class Connection:
    """A panel person connected to BigV as some BigV user."""

    user_id: int
    username: str
    with_key: bool


def connections(bigv_usernames: Iterable[str]) -> dict[str, list[Connection]]:
    """Panel people with an active credential of each BigV user, by BigV username."""
    found: dict[str, list[Connection]] = {}
    rows = (
        BigVCredential.objects.filter(
            bigv_username__in=set(bigv_usernames), status=BigVCredential.Status.ACTIVE
        )
        .select_related("user")
        .order_by("user__username")
    )
    for row in rows:
        found.setdefault(row.bigv_username, []).append(
            Connection(row.user_id, row.user.get_username(), row.kind == row.Kind.API_KEY)
        )
    return found


def team_bigv_users() -> list[tuple[str, str]]:
    """(BigV username, the panel people connected as it) for the grant form's suggestions."""
    names = BigVCredential.objects.filter(status=BigVCredential.Status.ACTIVE).values_list(
        "bigv_username", flat=True
    )
    by_name = connections(names)
    return [
        (name, ", ".join(c.username for c in by_name[name])) for name in sorted(by_name, key=str)
    ]


@dataclass(frozen=True)
class Row:
    """One privilege on the page's object, and what the person may do to it."""

    privilege: Privilege
    level: Level
    allows: str  # what it lets its holder do, in words
    people: tuple[str, ...]  # panel people connected as its BigV user
    may_edit: bool
    revoke_url: str = ""
    yubikey_url: str = ""  # "" for an API key's privilege: it cannot require one


def access_rows(client: BigVClient, user: Any, target: AccessTarget) -> list[Row]:
    privileges = target.privileges(client)
    people = connections(p.username for p in privileges if p.username)
    allowed = refusal(user, target) is None
    rows = []
    for p in privileges:
        level = Level.of(p.level)
        may_edit = allowed and target.may_edit(p)
        wanted = "false" if p.yubikey_required else "true"
        rows.append(
            Row(
                privilege=p,
                level=level,
                allows=words.ability(level, target.shown),
                people=tuple(c.username for c in people.get(p.username or "", [])),
                may_edit=may_edit,
                revoke_url=target.url("revoke", privilege=p.id) if may_edit else "",
                yubikey_url=(
                    target.url("yubikey", privilege=p.id) + f"?required={wanted}"
                    if may_edit and p.api_key_id is None
                    else ""
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class GrantPlan:
    sentences: tuple[str, ...]
    notes: tuple[str, ...] = ()


def find_privilege(client: BigVClient, target: AccessTarget, privilege_id: int) -> Privilege:
    """The privilege among those BigV shows on the object (the CLI finds it the same way);
    gone or never there: the page was out of date."""
    for privilege in target.privileges(client):
        if privilege.id == privilege_id:
            return privilege
    raise ValidationError(
        f"That privilege is no longer on {target.name} (revoked meanwhile?). Reload the page."
    )


def already_held(held: Sequence[Privilege], username: str, level: Level) -> bool:
    """The same privilege for the same BigV user's logins (not an API key's) is already there."""
    return any(
        p.username == username and Level.of(p.level) == level and p.api_key_id is None for p in held
    )


def grant_plan(
    client: BigVClient, user: Any, target: AccessTarget, username: str, level: Level, yubikey: bool
) -> GrantPlan:
    """What a grant will do, in words, after the same checks the grant makes (not audited
    here: nothing is attempted yet)."""
    message = refusal(user, target, level)
    if message is not None:
        raise Denied(message)
    held = target.privileges(client)
    if already_held(held, username, level):
        raise ValidationError(f"{username} already holds {level.label} on {target.name}.")
    people = connections([username]).get(username, [])
    name = words.who(username, [c.username for c in people])
    notes = []
    with_keys = [c.username for c in people if c.with_key]
    if with_keys:
        notes.append(words.keys_do_not_gain(with_keys, username))
    higher = [p.level for p in held if p.username == username and Level.of(p.level) > level]
    if higher:
        notes.append(f"{username} already holds {higher[0]} on {target.name}, which allows more.")
    return GrantPlan(
        tuple(words.granting(name, level, target.shown, yubikey=yubikey)), tuple(notes)
    )


def person_words(privilege: Privilege) -> str:
    """The grantee as sentences name them: with their panel people."""
    username = privilege.username or "?"
    people = connections([username]).get(username, [])
    return words.who(username, [c.username for c in people])


# --- API keys ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyGrant:
    """A privilege a new API key can be given: one of the person's own (the CLI's ``add api
    key`` gives a key its user's level on each object named)."""

    level: Level
    place: Place
    object_id: int

    @property
    def value(self) -> str:
        return f"{self.place.kind}:{self.object_id}:{self.level.label}"

    @property
    def label(self) -> str:
        return f"{self.level.label} on {self.place.name}"


def key_grants(user: Any) -> list[KeyGrant]:
    """The person's own privileges on accounts, groups and VMs, from their kept scope."""
    scope = scope_for(user)
    found: list[KeyGrant] = []
    for value, kind, object_id in scope.privileges:
        level = Level(value)
        if KIND_OF_LEVEL.get(level) != kind:
            continue  # cluster levels name no object
        place = _place(scope, kind, object_id)
        if place is not None:
            found.append(KeyGrant(level, place, object_id))
    return sorted(set(found), key=lambda g: (-g.level, g.place.name))


def _place(scope: Any, kind: str, object_id: int) -> Place | None:
    if kind == "account":
        name = scope.accounts.get(object_id)
        return Place(name) if name else None
    if kind == "group":
        account_id, group = scope.groups.get(object_id, (0, ""))
        return Place(scope.accounts.get(account_id, ""), group) if group else None
    vm = scope.vm(object_id)
    return Place(vm.account, vm.group, vm.name) if vm is not None else None


@dataclass(frozen=True)
class KeyList:
    keys: list[ApiKey]
    in_use: int | None  # the key the panel acts with for this person, when known
    bigv_username: str
    expired: frozenset[int] = frozenset()  # ids of keys past their expiry


def api_keys(client: BigVClient, user: Any) -> KeyList:
    """One's API keys; connected with a key, which of them it is (the privileges usable
    with the credential carry its id, §3.5 — a key without any cannot be told)."""
    credential = credential_for(user)
    in_use = None
    if credential is not None and credential.kind == BigVCredential.Kind.API_KEY:
        in_use = next((p.api_key_id for p in client.privileges() if p.api_key_id), None)
    keys = sorted(client.api_keys(), key=lambda k: (k.label.casefold(), k.id))
    now = timezone.now()
    expired = frozenset(k.id for k in keys if k.expired(now))
    return KeyList(keys, in_use, credential.bigv_username if credential else "", expired)


def find_key(client: BigVClient, key_id: int) -> ApiKey | None:
    return next((k for k in client.api_keys() if k.id == key_id), None)


def groups_in(user: Any, target: AccessTarget) -> list[tuple[str, str]]:
    """An account's groups the person can see, as (name, URL segment): their access pages
    are linked from the account's. The segment is the id for a name no URL may carry."""
    if target.kind != "account":
        return []
    groups = scope_for(user).groups.items()
    found = [(name, segment(name, gid)) for gid, (aid, name) in groups if aid == target.id]
    return sorted(found, key=lambda pair: pair[0].casefold())
