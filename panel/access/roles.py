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
from django.db.models.signals import post_save
from django.dispatch import receiver

OPERATOR = "operator"
AUDITOR = "auditor"
CHANGE = "access.change_bigv"
SEE_EVERYTHING = "access.see_everything"


def may_change(user: Any) -> bool:
    """True for a person whose role lets them change BigV through the panel."""
    return bool(user and user.is_active and user.has_perm(CHANGE))


def sees_everything(user: Any) -> bool:
    """Superusers and auditors see every operation, batch and audit entry."""
    return bool(user and user.is_active and (user.is_superuser or user.has_perm(SEE_EVERYTHING)))


def role_name(user: Any) -> str:
    if user.is_superuser:
        return "superuser"
    if user.has_perm(SEE_EVERYTHING) and not user.has_perm(CHANGE):
        return AUDITOR
    return OPERATOR if user.has_perm(CHANGE) else "no role"


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
