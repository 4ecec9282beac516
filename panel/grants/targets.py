"""The object whose BigV privileges a page shows and edits: an account, a group or a VM.

Named as in the URL (BigV resolves names, docs/bigv-api.md §4.2); its id and the person's own
level on it come from their kept BigV scope (``panel.access``). BigV lets a person grant,
change or revoke only levels *below* their own on the object (§10, §13 C13), and each level
names one kind of object — so what a page may offer follows from the kind and the level
(§13 C60):

* a VM: vm_console (for vm_admin and above) and vm_admin (for group_admin and above);
* a group: group_admin (for account_admin and above);
* an account: account_admin (for cluster staff only — Bytemark's support grants it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from panel.access.levels import Level
from panel.access.policy import NotVisible
from panel.access.scope import Scope
from panel.access.services import scope_knowing
from panel.audit import Target
from panel.bigv import BigVClient, Privilege

# The levels that name each kind of object, highest first (§6.8).
LEVELS_OF = {
    "account": (Level.ACCOUNT_ADMIN,),
    "group": (Level.GROUP_ADMIN,),
    "vm": (Level.VM_ADMIN, Level.VM_CONSOLE),
}
KIND_OF_LEVEL = {level: kind for kind, levels in LEVELS_OF.items() for level in levels}


@dataclass(frozen=True)
class Place:
    """An object as the URL names it (``group`` and ``vm`` empty above them)."""

    account: str
    group: str = ""
    vm: str = ""

    @property
    def kind(self) -> str:
        return "vm" if self.vm else "group" if self.group else "account"

    def url_kwargs(self) -> dict[str, str]:
        names = {"account": self.account, "group": self.group, "vm": self.vm}
        return {key: value for key, value in names.items() if value}

    @property
    def name(self) -> str:
        """How sentences name it: "web1", "group web", "account demo"."""
        return self.vm or (f"group {self.group}" if self.group else f"account {self.account}")

    def url(self, name: str = "", **extra: Any) -> str:
        """This object's access page, or one of its actions (``grant``, ``revoke``…)."""
        suffix = f"_{name}" if name else ""
        return reverse(f"grants:{self.kind}{suffix}", kwargs={**self.url_kwargs(), **extra})

    def audit_target(self, object_id: object = None) -> Target:
        """The audit trail's target: by id once known, so the object's history finds it."""
        path = "/".join(filter(None, (self.account, self.group, self.vm)))
        oid = path if object_id is None else object_id
        if self.kind == "vm":
            return Target.vm(oid, self.vm, self.account, self.group)
        if self.kind == "group":
            return Target.group(oid, self.group, self.account)
        return Target.account(oid, self.account)


@dataclass(frozen=True)
class AccessTarget:
    """A ``Place`` the person's BigV user can see, its id, and their own level on it.

    ``place`` is the object as the URL names it (names, or ids where a name cannot be a URL
    segment): for links and API paths. ``shown`` names it as BigV does: for words."""

    place: Place
    id: int
    level: Level
    shown: Place

    @property
    def kind(self) -> str:
        return self.place.kind

    @property
    def name(self) -> str:
        return self.shown.name

    def audit_target(self) -> Target:
        return self.shown.audit_target(self.id)

    @property
    def grantable(self) -> tuple[Level, ...]:
        """The levels on this object BigV lets the person grant: below their own. None on an
        account: account_admin is cluster staff's to grant, never the panel's (§13 C60)."""
        if self.kind == "account":
            return ()
        return tuple(level for level in LEVELS_OF[self.kind] if level < self.level)

    def may_edit(self, privilege: Privilege) -> bool:
        """Revoke it or change its YubiKey requirement: only below one's own level."""
        return self.kind != "account" and Level.of(privilege.level) < self.level

    def privileges(self, client: BigVClient) -> list[Privilege]:
        """The privileges on the object BigV shows the person (their own, and those below
        their level), highest level first."""
        p = self.place
        if self.kind == "vm":
            found = client.vm_privileges(p.account, p.group, p.vm)
        elif self.kind == "group":
            found = client.group_privileges(p.account, p.group)
        else:
            found = client.account_privileges(p.account)
        return sorted(found, key=lambda x: (-Level.of(x.level), x.username or "", x.id))

    def url(self, name: str = "", **extra: Any) -> str:
        return self.place.url(name, **extra)

    @property
    def grant_url(self) -> str:
        return self.url("grant") if self.grantable else ""

    def object_url(self) -> str:
        """The object's own page (the VM's, the group's, the account's)."""
        kwargs = self.place.url_kwargs()
        if self.kind == "vm":
            return reverse("vms:detail", kwargs=kwargs)
        return reverse(f"accounts:{self.kind}", kwargs=kwargs)


def _account_id(scope: Scope, segment: str) -> int | None:
    if segment.isdigit() and int(segment) in scope.accounts:
        return int(segment)
    return scope.account_id(segment)


def _group_id(scope: Scope, account: str, segment: str) -> int | None:
    """A group by name, or by id (a segment of digits is an id, as in BigV's paths)."""
    account_id = _account_id(scope, account)
    if segment.isdigit():
        group_id = int(segment)
        return group_id if scope.groups.get(group_id, (None, ""))[0] == account_id else None
    found = (
        gid for gid, (aid, name) in scope.groups.items() if (aid, name) == (account_id, segment)
    )
    return next(found, None)


def _vm_id(scope: Scope, place: Place) -> int | None:
    group_id = _group_id(scope, place.account, place.group)
    if place.vm.isdigit():
        vm_id = int(place.vm)
        return vm_id if scope.vms.get(vm_id, (None, "", False))[0] == group_id else None
    found = (
        vid for vid, (gid, name, _) in scope.vms.items() if (gid, name) == (group_id, place.vm)
    )
    return next(found, None)


def _found(scope: Scope, place: Place) -> tuple[int | None, Level, Place]:
    """The object's id, the person's level on it, and its names as BigV has them."""
    if place.kind == "vm":
        vm_id = _vm_id(scope, place)
        vm = scope.vm(vm_id)
        shown = Place(vm.account, vm.group, vm.name) if vm is not None else place
        return vm_id, scope.level_on_vm(vm_id), shown
    if place.kind == "group":
        group_id = _group_id(scope, place.account, place.group)
        holder, name = scope.groups.get(group_id or 0, (0, place.group))
        shown = Place(scope.accounts.get(holder, place.account), name)
        return group_id, scope.level_on_group(group_id), shown
    account_id = _account_id(scope, place.account)
    shown = Place(scope.accounts.get(account_id or 0, place.account))
    return account_id, scope.level_on_account(account_id), shown


def resolve(user: Any, place: Place) -> AccessTarget:
    """The object with the person's level on it, from their kept scope (read again when it
    does not know the object yet); ``NotVisible`` (404) when their BigV user cannot see it."""
    scope = scope_knowing(user, lambda s: _found(s, place)[0] is not None)
    object_id, level, shown = _found(scope, place)
    if object_id is None:
        raise NotVisible()
    return AccessTarget(place=place, id=object_id, level=level, shown=shown)
