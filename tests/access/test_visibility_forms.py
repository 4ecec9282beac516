"""The two forms of "which operations may she see" — a SQL filter for lists and pages, a
test of one row's keys for the header's few active ones — agree on every kind of row."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from panel.access.visibility import operations_filter, operations_test
from panel.activity.selectors import team_state
from panel.operations.models import Operation
from tests.operations.helpers import operation_row, vm_id_of


def _op(actor: Any, name: str, **values: Any) -> Operation:
    # Never enqueued: a running row that was, with no lease, is one a worker lost — and the
    # reconciler of a test worker still up from an earlier test would resume it, writing
    # audit entries while this test's tables are emptied (a deadlock on PostgreSQL).
    return operation_row(actor, vm_name=name, target_key=f"vm:{name}", enqueued_at=None, **values)


def test_the_row_test_agrees_with_the_sql_filter(alice, bob, wes, audrey, sim):
    web1, db1 = vm_id_of(sim, "web1"), vm_id_of(sim, "db1")
    rows = [
        _op(alice, "web1", vm_id=web1),
        _op(alice, "db1", vm_id=db1, group="db"),
        _op(bob, "gone", vm_id=987654),  # his own, on a VM he cannot see (any more)
        _op(alice, "new-web", vm_id=None),  # a create in demo/web: no VM id yet
        _op(alice, "new-db", vm_id=None, group="db"),
        _op(alice, "elsewhere", vm_id=None, account="other", group="web"),
    ]
    for person in (alice, bob, wes, audrey):
        within, test = operations_filter(person), operations_test(person)
        visible = Operation.objects.all() if within is None else Operation.objects.filter(within)
        by_sql = {op.vm_name for op in visible}
        by_test = {op.vm_name for op in rows if test is None or test(op)}
        assert by_test == by_sql, person.username
    # His own, and what his BigV user can read: web1 and the group it is in.
    assert {op.vm_name for op in rows if operations_test(bob)(op)} == {"web1", "gone", "new-web"}


def test_the_header_shows_the_newest_visible_first_and_counts_only_those(alice, bob, sim):
    web1, db1 = vm_id_of(sim, "web1"), vm_id_of(sim, "db1")
    for index in range(12):
        _op(alice, f"web1-{index}", vm_id=web1, created_at=timezone.now())
    _op(alice, "db1", vm_id=db1, group="db", created_at=timezone.now())

    mine = team_state(alice)
    assert mine.count == 13 and len(mine.ops) == 10
    assert mine.ops[0].vm_name == "db1"  # the newest first
    assert [op.vm_name for op in mine.ops[1:3]] == ["web1-11", "web1-10"]

    his = team_state(bob)  # console on web1 only
    assert his.count == 12 and all(op.vm_name.startswith("web1-") for op in his.ops)
