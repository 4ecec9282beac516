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

from panel.web.errors import FORBIDDEN_MESSAGE, NOT_FOUND_MESSAGE


@dataclass(frozen=True)
class Expect:
    status: int
    api: str = "none"
    says: str = ""  # text the answer must contain (the refusal in words)
    location: str | tuple[str, ...] = ""  # the redirect must start with (one of) this


LOGIN = Expect(302, location="/login/?next=")

# What each BigV user of the demo world may read / change (panel/simulator/seed.py).
DEMO = frozenset({"account:demo", "group:web", "group:spare", "vm:web1", "vm:db1"})
READABLE = {
    "owner": DEMO,  # account_admin on demo
    "viewer": frozenset({"account:demo", "group:web", "vm:web1"}),  # vm_console on web1
    "outsider": frozenset(),  # account_admin on "other" only
}
WRITABLE = {"owner": DEMO, "viewer": frozenset(), "outsider": frozenset()}


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
    """Acts on a BigV object: each person gets what their own BigV privileges allow.

    ``need`` is "read" or "write". ``ok`` is the answer when allowed; a refusal is the API's
    403 (can read, cannot change) or 404 (cannot even see it), shown in words — htmx
    fragments too, with the same status (base.html makes htmx swap them in place).
    """

    target: str
    need: str
    ok: int

    def expect(self, role: str) -> Expect:
        if role == "anonymous":
            return LOGIN
        if self.target in (WRITABLE if self.need == "write" else READABLE)[role]:
            return Expect(self.ok, "write" if self.need == "write" else "reads")
        if self.target in READABLE[role]:
            return Expect(403, "refused", FORBIDDEN_MESSAGE)
        return Expect(404, "refused", NOT_FOUND_MESSAGE)


Policy = Public | Team | Staff | BigV
