"""Which operation the VM page shows: the active one, else the newest that ended lately."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from panel.operations.models import Operation
from panel.operations.selectors import RECENT_ON_VM_PAGE, operation_for_vm
from tests.operations.helpers import operation_row


def _op(user: Any, status: str, *, vm_id: int = 7, ago: float = 0, **values: Any) -> Operation:
    when = timezone.now() - dt.timedelta(seconds=ago)
    if status not in ("pending", "running"):
        values.setdefault("finished_at", when)
    return operation_row(
        user,
        status=status,
        vm_id=vm_id,
        target_key=f"vm:{vm_id}",
        created_at=when,
        updated_at=when,
        enqueued_at=None,
        **values,
    )


def test_the_active_one_before_any_that_ended(db: Any, django_user_model: Any) -> None:
    # A VM has at most one active operation, and none starts while it is active: the
    # active one is the newest.
    user = django_user_model.objects.create_user("olive", password="pw-olive-9k")
    _op(user, "succeeded", ago=5 * 60)
    running = _op(user, "running", ago=30)
    _op(user, "running", vm_id=8)  # another VM's
    assert operation_for_vm(7) == running


def test_the_newest_that_ended_lately_and_none_after_a_while(
    db: Any, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("olive", password="pw-olive-9k")
    old = RECENT_ON_VM_PAGE.total_seconds() + 60
    _op(user, "failed", ago=old)
    assert operation_for_vm(7) is None
    _op(user, "failed", ago=120)
    newest = _op(user, "succeeded", ago=60)
    assert operation_for_vm(7) == newest
    assert operation_for_vm(None) is None
