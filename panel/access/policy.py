"""The answers: may this person do this to that object? And what may they do to it?

Services ask before any API call (``require_vm``, ``require_account``) and refuse with
``Denied`` — a ``PermissionDenied`` that says why in words and is audited as *denied* — so a
forged POST gets a clear 403 and BigV never sees it. Pages ask ``vm_abilities`` so that they
offer only what would be allowed. BigV still decides for itself: the panel's answers come
from the scope it read, which can only be narrower than BigV's own view, never wider.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from panel.access.levels import Level, Need
from panel.access.roles import may_change, role_name, sees_everything
from panel.access.scope import Scope, VmPlace
from panel.access.services import scope_for, scope_knowing
from panel.audit import Action, Outcome, Target, record
from panel.core.actor import Actor
from panel.operations.models import Operation
from panel.operations.services import busy_message
from panel.operations.status import OperationStatus

NOT_VISIBLE = "Not found, or not visible to your BigV user."


class NotVisible(Http404):
    """The object is outside what the person's BigV credential can see: as BigV answers."""

    def __init__(self) -> None:
        super().__init__(NOT_VISIBLE)


class Denied(PermissionDenied):
    """The panel refuses, before any API call; ``message`` says why, in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Inside ``people_remembered()``: the users ``person`` loaded, by id.
_people: contextvars.ContextVar[dict[int, Any] | None] = contextvars.ContextVar(
    "panel_people", default=None
)


def person(actor: Actor) -> Any:
    """The panel user behind ``actor`` (None for the system)."""
    if actor.user_id is None:
        return None
    kept = _people.get()
    if kept is not None and actor.user_id in kept:
        return kept[actor.user_id]
    user = get_user_model().objects.filter(pk=actor.user_id).first()
    if kept is not None:
        kept[actor.user_id] = user
    return user


@contextmanager
def people_remembered() -> Iterator[None]:
    """Within it, ``person`` loads each user once: a batch checks one person's rights on
    hundreds of VMs, and the user object also keeps that person's BigV scope for a moment
    (``access.services``), which a user loaded afresh for every VM never would."""
    token = _people.set({})
    try:
        yield
    finally:
        _people.reset(token)


@dataclass(frozen=True)
class Abilities:
    """What a person may do to one VM through the panel (pages offer only these)."""

    level: Level
    may_change: bool  # their role lets them change anything at all
    visible: bool = True  # their BigV credential can see the object at all

    def allows(self, need: Need) -> bool:
        if need == Need.READ:
            return True
        if need != Need.CONSOLE and not self.may_change:
            return False
        return self.level >= need

    @property
    def console(self) -> bool:
        return self.allows(Need.CONSOLE)

    @property
    def manage(self) -> bool:
        return self.allows(Need.MANAGE)

    @property
    def lifecycle(self) -> bool:
        return self.allows(Need.LIFECYCLE)

    @property
    def administer(self) -> bool:
        return self.allows(Need.ADMINISTER)


def _scope_with_vm(user: Any, vm_id: int | None) -> Scope:
    return scope_knowing(user, lambda scope: scope.sees_vm(vm_id))


def vm_abilities(user: Any, vm_id: int | None) -> Abilities:
    scope = _scope_with_vm(user, vm_id)
    return Abilities(
        level=scope.level_on_vm(vm_id), may_change=may_change(user), visible=scope.sees_vm(vm_id)
    )


def group_abilities(user: Any, account: str, group: str) -> Abilities:
    scope = scope_knowing(user, lambda s: s.group_id(account, group) is not None)
    group_id = scope.group_id(account, group)
    return Abilities(
        level=scope.level_on_group(group_id),
        may_change=may_change(user),
        visible=group_id is not None,
    )


def path_abilities(user: Any, account: str, group: str, vm: str) -> Abilities:
    """What ``user`` may do to the VM named by a URL's path (names, or its id)."""
    scope = scope_knowing(user, lambda s: s.vm_id(account, group, vm) is not None)
    vm_id = scope.vm_id(account, group, vm)
    return Abilities(
        level=scope.level_on_vm(vm_id), may_change=may_change(user), visible=vm_id is not None
    )


def require_on_path(user: Any, account: str, group: str, vm: str, need: Need) -> None:
    """Refuse a page that offers ``need`` on the VM of a URL (a form the person could not
    use): 404 when they cannot even see it. The service refuses the POST itself, audited."""
    abilities = path_abilities(user, account, group, vm)
    if not abilities.visible:
        raise NotVisible()
    message = _refusal(user, abilities, need, vm)
    if message is not None:
        raise Denied(message)


def groups_allowing(user: Any, account: str, need: Need) -> list[str]:
    """The account's groups (by name) in which ``user`` may do ``need``."""
    if not may_change(user) and need != Need.READ:
        return []
    scope = scope_knowing(user, lambda s: s.account_id(account) is not None)
    account_id = scope.account_id(account)
    return sorted(
        (
            name
            for gid, (aid, name) in scope.groups.items()
            if aid == account_id and scope.level_on_group(gid) >= need
        ),
        key=str.casefold,
    )


def places_allowing(user: Any, need: Need) -> list[tuple[str, str]]:
    """Every (account, group) in which ``user`` may do ``need``, in any account they see
    (a move to another account: group_admin where the VM goes)."""
    if not may_change(user) and need != Need.READ:
        return []
    scope = scope_for(user)
    return sorted(
        (
            (scope.accounts.get(aid, ""), name)
            for gid, (aid, name) in scope.groups.items()
            if scope.level_on_group(gid) >= need
        ),
        key=lambda place: (place[0].casefold(), place[1].casefold()),
    )


def vms_allowing(user: Any, account: str, need: Need) -> list[VmPlace]:
    """The account's VMs (not deleted) to which ``user`` may do ``need`` (the other VM of a
    swap of addresses or of a disc move)."""
    if not may_change(user) and need != Need.READ:
        return []
    scope = scope_knowing(user, lambda s: s.account_id(account) is not None)
    places = (scope.vm(vm_id) for vm_id in scope.vms)
    return sorted(
        (
            place
            for place in places
            if place is not None
            and place.account == account
            and not place.deleted
            and scope.level_on_vm(place.vm_id) >= need
        ),
        key=lambda place: (place.group.casefold(), place.name.casefold()),
    )


def refusal(user: Any, abilities: Abilities, need: Need, what: str) -> str | None:
    """Why ``user`` may not do ``need`` to ``what``, in words (None: they may)."""
    return _refusal(user, abilities, need, what)


def account_abilities(user: Any, account: str) -> Abilities:
    scope = scope_knowing(user, lambda s: s.account_id(account) is not None)
    account_id = scope.account_id(account)
    return Abilities(
        level=scope.level_on_account(account_id),
        may_change=may_change(user),
        visible=account_id is not None,
    )


# --- refusing before any API call ---------------------------------------------------------


def _refusal(user: Any, abilities: Abilities, need: Need, what: str) -> str | None:
    if user is None or not user.is_active:
        return "Log in first."
    if need != Need.CONSOLE and not abilities.may_change:
        return f"Your panel role ({role_name(user)}) changes nothing in BigV."
    if abilities.level < need:
        held = abilities.level.label if abilities.level else "no privilege"
        return (
            f"Your BigV user may not {need.verb} {what}: that needs {Level(need).label} "
            f"or above, and it holds {held} there."
        )
    return None


def _deny(
    actor: Actor, action: Action, target: Target, message: str, *, visible: bool = True
) -> Exception:
    """The refusal, audited: 404 for an object the person cannot see, else 403."""
    if not visible:
        message = NOT_VISIBLE
    record(actor=actor, action=action, outcome=Outcome.DENIED, target=target, api_error=message)
    return Denied(message) if visible else NotVisible()


def require_vm(
    *, actor: Actor, vm_id: int | None, vm_name: str, need: Need, action: Action, target: Target
) -> None:
    """Refuse (audited) unless the actor's role and BigV level allow ``need`` on the VM."""
    user = person(actor)
    abilities = vm_abilities(user, vm_id)
    message = _refusal(user, abilities, need, vm_name)
    if message is not None:
        raise _deny(actor, action, target, message, visible=abilities.visible)


def require_group(
    *, actor: Actor, account: str, group: str, need: Need, action: Action, target: Target
) -> None:
    user = person(actor)
    abilities = group_abilities(user, account, group)
    message = _refusal(user, abilities, need, f"group {group}")
    if message is not None:
        raise _deny(actor, action, target, message, visible=abilities.visible)


def require_account(
    *, actor: Actor, account: str, need: Need, action: Action, target: Target
) -> None:
    user = person(actor)
    abilities = account_abilities(user, account)
    message = _refusal(user, abilities, need, f"account {account}")
    if message is not None:
        raise _deny(actor, action, target, message, visible=abilities.visible)


class VmBusy(Denied):
    """The VM has an active operation: one change per VM, so a direct action waits."""

    status = 409

    def __init__(self, message: str, operation: Any) -> None:
        super().__init__(message)
        self.operation = operation


def require_idle(*, actor: Actor, vm_id: int | None, action: Action, target: Target) -> None:
    """Refuse (audited) a direct action on a VM that has an active operation — it would
    race the operation's own steps (a Stop during a spec change, a rename mid-move)."""
    if vm_id is None:
        return
    operation = (
        Operation.objects.filter(vm_id=vm_id, status__in=OperationStatus.ACTIVE)
        .order_by("created_at")
        .first()
    )
    if operation is None:
        return
    message = busy_message(operation)
    record(actor=actor, action=action, outcome=Outcome.DENIED, target=target, api_error=message)
    raise VmBusy(message, operation)


# --- the panel's own rows ------------------------------------------------------------------


def may_cancel(user: Any, operation: Any) -> bool:
    """The starter, a superuser, or a person whose own role and BigV level allow changing
    that VM may cancel an operation (or stop a batch's)."""
    if user is None or not user.is_active:
        return False
    if user.is_superuser or operation.actor_id == user.pk:
        return True
    return vm_abilities(user, operation.vm_id).manage


def may_stop(user: Any, batch: Any) -> bool:
    """A batch may be stopped by its starter, a superuser, or a person who may cancel every
    operation still active in it."""
    if user is None or not user.is_active:
        return False
    if user.is_superuser or batch.actor_id == user.pk:
        return True
    active = batch.operations.filter(finished_at__isnull=True)
    return all(may_cancel(user, op) for op in active)


def may_see_everything(user: Any) -> bool:
    return sees_everything(user)
