"""The panel roles: operator (the default), auditor, superuser.

An **operator** changes BigV through the panel within their own BigV rights and sees what
their BigV credential sees. An **auditor** reads the whole audit trail and every operation
and batch, and changes nothing. A **superuser** also sees everything, may cancel anyone's
work and manages people in the admin; their BigV changes are still bounded by their own
BigV rights. Roles are Django groups holding ``access``'s permissions (a migration creates
them; they are assigned in the admin). Every new panel user starts as an operator.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from panel.core.compiled_reads import CompiledRead

OPERATOR = "operator"
AUDITOR = "auditor"
CHANGE = "access.change_bigv"
SEE_EVERYTHING = "access.see_everything"


_HELD = "_panel_permissions"  # kept on the user object, as Django keeps its own
_EVERY = frozenset({CHANGE, SEE_EVERYTHING})


def _held(user: Any) -> frozenset[str]:
    """The panel permissions ``user`` holds, directly or through their role.

    What ``user.has_perm`` answers for these two, in one query where Django's model backend
    reads the person's own and their groups' permissions in two — on every page, since every
    page asks. Kept on the user object for its lifetime (a page request), as Django does.
    """
    if not (user and user.is_active):
        return frozenset()
    if user.is_superuser:
        return _EVERY
    held: frozenset[str] | None = getattr(user, _HELD, None)
    if held is None:
        held = frozenset(f"access.{codename}" for (codename,) in _PERMISSIONS.rows(user.pk))
        setattr(user, _HELD, held)
    return held


# The codenames of the panel's permissions a person holds, their own or their groups'.
_PERMISSIONS = CompiledRead(
    lambda person: (
        Permission.objects.filter(content_type__app_label="access")
        .filter(Q(user=person) | Q(group__user=person))
        .values_list("codename", flat=True)
    ),
)


def may_change(user: Any) -> bool:
    """True for a person whose role lets them change BigV through the panel."""
    return CHANGE in _held(user)


def sees_everything(user: Any) -> bool:
    """Superusers and auditors see every operation, batch and audit entry."""
    return SEE_EVERYTHING in _held(user)


def role_name(user: Any) -> str:
    if user.is_superuser:
        return "superuser"
    held = _held(user)
    if SEE_EVERYTHING in held and CHANGE not in held:
        return AUDITOR
    return OPERATOR if CHANGE in held else "no role"


ROLE_PERMISSIONS = {OPERATOR: ("change_bigv",), AUDITOR: ("see_everything",)}


def ensure_roles(**kwargs: Any) -> None:
    """The role groups with their permissions (after every migrate and database flush)."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label="access", codename__in=codenames
        )
        group.permissions.add(*permissions)


@receiver(post_save, sender=get_user_model())
def _new_people_are_operators(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        group = Group.objects.filter(name=OPERATOR).first()
        if group is None:
            ensure_roles()
            group = Group.objects.get(name=OPERATOR)
        instance.groups.add(group)
