"""What of the panel's own rows a person may see: operations, batches, audit entries.

Everything, for superusers and auditors. For everyone else: what concerns an object their
own BigV credential can see (``scope``), and always their own actions. A row outside that is
answered with 404, as BigV answers for an object one may not read. One place decides it for
every list, page, stream and export.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from panel.access.roles import sees_everything
from panel.access.scope import Scope
from panel.access.services import EMPTY, scope_for, scope_knowing
from panel.operations.models import Operation


def _scope(user: Any) -> Scope:
    return scope_for(user) if user is not None and user.is_authenticated else EMPTY


def operations_filter(user: Any) -> Q | None:
    """A filter of ``Operation`` rows ``user`` may see (None: everything)."""
    if sees_everything(user):
        return None
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    scope = _scope(user)
    visible = Q(actor_id=user.pk) | Q(vm_id__in=list(scope.vms))
    # A create has no VM id until BigV gives it one: the group it is created in decides.
    for account_id, group in scope.groups.values():
        account = scope.accounts.get(account_id, "")
        visible |= Q(vm_id__isnull=True, account=account, group=group)
    return visible


def operations_test(user: Any) -> Callable[[Any], bool] | None:
    """``operations_filter`` as a test of one row (anything with ``actor_id``, ``vm_id``,
    ``account`` and ``group``), for a few rows already read: None lets everything through."""
    if sees_everything(user):
        return None
    if user is None or not user.is_authenticated:
        return lambda row: False
    scope = _scope(user)
    vms = scope.vms
    paths = {(scope.accounts.get(account, ""), group) for account, group in scope.groups.values()}
    me = user.pk

    def visible(row: Any) -> bool:
        if row.actor_id == me:
            return True
        if row.vm_id is not None:
            return row.vm_id in vms
        return (row.account, row.group) in paths

    return visible


def batches_filter(user: Any) -> Q | None:
    """A filter of ``Batch`` rows: their starter's, or those with an operation one sees."""
    ops = operations_filter(user)
    if ops is None:
        return None
    seen = Operation.objects.filter(ops, batch__isnull=False).values("batch_id")
    return Q(actor_id=user.pk) | Q(pk__in=seen)


def audit_filter(user: Any) -> Q | None:
    """A filter of ``AuditEntry`` rows: entries about what one may see, and one's own."""
    if sees_everything(user):
        return None
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    scope = _scope(user)
    return (
        Q(actor_id=user.pk)
        | Q(target_type="vm", target_id__in=[str(i) for i in scope.vms])
        | Q(target_type="group", target_id__in=[str(i) for i in scope.groups])
        | Q(target_type="account", target_id__in=[str(i) for i in scope.accounts])
        | Q(target_type="user", target_id=str(user.pk))
    )


def sees_operation(user: Any, operation: Any) -> bool:
    if sees_everything(user) or (user is not None and operation.actor_id == user.pk):
        return True
    if user is None or not user.is_authenticated:
        return False
    if operation.vm_id is not None:
        scope = scope_knowing(user, lambda s: s.sees_vm(operation.vm_id))
        return scope.sees_vm(operation.vm_id)
    scope = scope_knowing(user, lambda s: s.sees_path(operation.account, operation.group))
    return scope.sees_path(operation.account, operation.group)


def sees_vm(user: Any, vm_id: int | None) -> bool:
    if sees_everything(user):
        return True
    scope = scope_knowing(user, lambda s: s.sees_vm(vm_id))
    return scope.sees_vm(vm_id)
