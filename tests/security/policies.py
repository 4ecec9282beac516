"""What each role should get from one request, by kind of URL (the rule table's vocabulary).

``Expect.api`` says what may reach the BigV API while the request is served:

* ``none`` — nothing at all (the panel answered by itself, or refused before asking);
* ``reads`` — reads only;
* ``refused`` — no write BigV accepted: at most one write attempt, answered 403/404 (the
  API's refusal), and nothing after it;
* ``write`` — at least one write that BigV accepted (the owner's successful action).
"""

from __future__ import annotations

from dataclasses import dataclass

from panel.access.levels import Level, Need
from panel.web.errors import NOT_FOUND_MESSAGE

MAY_NOT = "Your BigV user may not"
NO_ROLE = "changes nothing"


@dataclass(frozen=True)
class Expect:
    status: int
    api: str = "none"
    says: str = ""  # text the answer must contain (the refusal in words)
    location: str | tuple[str, ...] = ""  # the redirect must start with (one of) this


LOGIN = Expect(302, location="/login/?next=")

# The demo world's objects (panel/simulator/seed.py) and what holds them.
PARENT = {
    "account:demo": None,
    "group:web": "account:demo",
    "group:db": "account:demo",
    "group:spare": "account:demo",
    "vm:web1": "group:web",
    "vm:web2": "group:web",
    "vm:db1": "group:db",
}
# Each role's BigV privileges (tests/security/world.py connects them).
HELD: dict[str, dict[str, Level]] = {
    "anonymous": {},
    "outsider": {},  # account_admin on "other" only
    "viewer": {"vm:web1": Level.VM_CONSOLE},
    "groupadmin": {"group:web": Level.GROUP_ADMIN},
    "accountadmin": {"account:demo": Level.ACCOUNT_ADMIN},
    "auditor": {"account:demo": Level.ACCOUNT_ADMIN},
    "owner": {"account:demo": Level.ACCOUNT_ADMIN},
}
# Panel roles: the auditor changes nothing; the owner is a superuser.
CHANGES_NOTHING = frozenset({"auditor"})
SEES_EVERYTHING = frozenset({"auditor", "owner"})
NEEDS = {
    "read": Need.READ,
    "console": Need.CONSOLE,
    "manage": Need.MANAGE,
    "lifecycle": Need.LIFECYCLE,
    "administer": Need.ADMINISTER,
}


def _chain(obj: str) -> list[str]:
    chain: list[str] = []
    current: str | None = obj
    while current is not None:
        chain.append(current)
        current = PARENT[current]
    return chain


def level(role: str, obj: str) -> Level:
    held = HELD[role]
    return max((held.get(o, Level.NONE) for o in _chain(obj)), default=Level.NONE)


def visible(role: str, obj: str) -> bool:
    """Anything on the object or above it — and, for accounts and groups, below it."""
    held = HELD[role]
    return any(obj in _chain(o) for o in held) or level(role, obj) > Level.NONE


def may(role: str, obj: str, need: str) -> bool:
    wanted = NEEDS[need]
    if wanted not in (Need.READ, Need.CONSOLE) and role in CHANGES_NOTHING:
        return False
    return visible(role, obj) and level(role, obj) >= wanted


@dataclass(frozen=True)
class Public:
    """No login needed: everyone gets the same answer."""

    status: int
    api: str = "none"

    def expect(self, role: str) -> Expect:
        return Expect(self.status, self.api)


@dataclass(frozen=True)
class Team:
    """Panel data shared by the whole team, or an answer that involves no BigV object (a
    form, a confirmation, a redirect): the same for every logged-in person."""

    status: int
    api: str = "none"

    def expect(self, role: str) -> Expect:
        return LOGIN if role == "anonymous" else Expect(self.status, self.api)


@dataclass(frozen=True)
class Staff:
    """The Django admin: panel superusers only; everyone else goes to its login (which
    forwards to the panel's one login page: tests/team/test_throttle.py)."""

    status: int

    def expect(self, role: str) -> Expect:
        if role == "owner":
            return Expect(self.status)
        # The admin's own pages redirect to its login, its models' pages straight to ours;
        # a non-staff POST to its logout is sent back to its index (and from there on).
        return Expect(302, location=("/admin/login/?next=", "/login/?next=", "/admin/"))


@dataclass(frozen=True)
class BigV:
    """Acts on a BigV object: each person gets what their panel role and their own BigV
    privileges allow.

    ``need`` is "read", "console", "manage", "lifecycle" or "administer" (the level it takes,
    panel.access.levels). ``ok`` is the answer when allowed, ``ok_api`` what then reaches
    BigV. An object the person cannot see answers 404 (BigV's word, or the panel's); one they
    see but may not change, the panel's 403 in words — after ``refusal_api`` reached BigV
    ("reads": a direct action reads the VM first; "none": decided from the kept scope).
    """

    target: str
    need: str
    ok: int
    ok_api: str = ""
    refusal_api: str = "reads"

    def expect(self, role: str) -> Expect:
        if role == "anonymous":
            return LOGIN
        if may(role, self.target, self.need):
            return Expect(self.ok, self.ok_api or ("reads" if self.need == "read" else "write"))
        if not visible(role, self.target):
            return Expect(404, "refused", NOT_FOUND_MESSAGE)
        says = NO_ROLE if role in CHANGES_NOTHING else MAY_NOT
        return Expect(403, self.refusal_api, says)


@dataclass(frozen=True)
class Seen:
    """The panel's own rows about a BigV object (an operation on web1, a batch on web2, an
    audit entry): everyone who may see the object sees them, superusers and auditors all of
    them; anyone else gets 404."""

    target: str  # "" for an entry about no object (only superusers and auditors see it)
    status: int
    api: str = "none"

    def expect(self, role: str) -> Expect:
        if role == "anonymous":
            return LOGIN
        if role in SEES_EVERYTHING or (self.target and visible(role, self.target)):
            return Expect(self.status, self.api)
        return Expect(404)


@dataclass(frozen=True)
class Stops:
    """Cancelling an operation (or stopping a batch) on ``target``, started by a teammate:
    a superuser, or a person whose own role and level allow changing the VM."""

    target: str
    ok: int

    def expect(self, role: str) -> Expect:
        if role == "anonymous":
            return LOGIN
        if not (role in SEES_EVERYTHING or visible(role, self.target)):
            return Expect(404)
        if role == "owner" or may(role, self.target, "manage"):
            return Expect(self.ok)
        return Expect(403, "none", "can")


@dataclass(frozen=True)
class Own:
    """The person's own BigV user (its API keys): everyone connected may change theirs, the
    auditor changes nothing (refused before any call). ``owners``: the roles whose BigV user
    owns the thing named in the URL; anyone else is answered 404, as BigV answers, after
    reading their own."""

    ok: int
    api: str = "write"
    owners: frozenset[str] | None = None

    def expect(self, role: str) -> Expect:
        if role == "anonymous":
            return LOGIN
        if role in CHANGES_NOTHING:
            return Expect(403, "none", NO_ROLE)
        if self.owners is not None and role not in self.owners:
            return Expect(404, "reads", NOT_FOUND_MESSAGE)
        return Expect(self.ok, self.api)


Policy = Public | Team | Staff | BigV | Seen | Stops | Own
