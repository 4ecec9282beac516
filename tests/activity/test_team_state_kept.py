""" "Running now" is kept per process and person for a second, and a VM's operation per process
and VM, while no change is announced (panel.activity.kept)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from panel.activity import selectors
from panel.activity.live import events
from panel.core import redis_conn, request_memo
from tests.operations.helpers import operation_row


@pytest.fixture(autouse=True)
def _a_generation_of_its_own(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The team's generation under a key no other test moves: tests running beside these
    announce their own operations, and an announcement from one of them would empty what
    these expect to find kept."""
    key = f"panel:test:generation:{uuid.uuid4().hex}"
    monkeypatch.setattr(events, "TEAM_GENERATION", key)
    yield
    redis_conn.quietly(lambda r: r.delete(key), "test cleanup")


@pytest.fixture
def carol(db: Any, redis_url: str, settings: Any) -> Any:
    settings.REDIS_URL = redis_url
    return get_user_model().objects.create_user(username="carol", password="pw-kept-9f3k")


def _running_op(user: Any) -> Any:
    return operation_row(
        user,
        vm_id=101,
        target_key=f"vm:{uuid.uuid4().int % 10**9}",
        plan=[{"name": "power_on", "label": "power on", "args": {}}],
        step_index=0,
        started_at=timezone.now(),
    )


def _read(user: Any) -> tuple[int, int]:
    """(running now, database queries it took)."""
    with CaptureQueriesContext(connection) as queries:
        count = selectors.team_state(user).count
    return count, len(queries.captured_queries)


def test_a_second_read_is_kept_and_an_announced_change_is_read_afresh(carol: Any) -> None:
    first = _read(carol)
    assert first[0] == 0 and first[1] > 0
    op = _running_op(carol)  # written without an announcement: kept state does not know
    assert _read(carol) == (0, 0)
    events._operation_changed(sender=type(op), operation=op)  # the engine's announcement
    assert _read(carol)[0] == 1


def test_kept_for_a_second_at_most(carol: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _read(carol)
    _running_op(carol)
    monkeypatch.setattr(selectors.TEAM_STATES, "seconds", 0.0)
    selectors.forget_team_states()
    _read(carol)
    assert _read(carol)[0] == 1 and _read(carol)[1] > 0  # nothing outlives its second


def test_each_person_has_their_own(carol: Any) -> None:
    dave = get_user_model().objects.create_user(username="dave", password="pw-kept-9f3k")
    _running_op(carol)
    assert _read(carol)[0] == 1
    assert _read(dave)[0] == 0  # carol's operation is not one dave may see


def test_without_redis_nothing_is_kept(carol: Any, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        _read(carol)
        op = _running_op(carol)
        assert _read(carol)[0] == 1
        assert op.pk in {o.pk for o in selectors.team_state(carol).ops}
    finally:
        redis_conn.forget_outage()


def _vm_operation(vm_id: int) -> tuple[Any, int]:
    """(the VM's operation, database queries it took)."""
    with CaptureQueriesContext(connection) as queries:
        op = selectors.vm_operation(vm_id)
    return op, len(queries.captured_queries)


def test_a_vm_operation_is_kept_until_a_change_is_announced(carol: Any) -> None:
    target = uuid.uuid4().int % 10**9
    assert _vm_operation(target) == (None, 1)
    op = operation_row(
        carol,
        vm_id=target,
        target_key=f"vm:{target}",
        plan=[{"name": "power_on", "label": "power on", "args": {}}],
    )
    assert _vm_operation(target) == (None, 0)  # written without an announcement
    events._operation_changed(sender=type(op), operation=op)
    found, queries = _vm_operation(target)
    assert found is not None and found.pk == op.pk and queries == 1
    assert _vm_operation(target)[1] == 0


def test_a_vm_operation_is_kept_for_a_second_at_most(
    carol: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors.VM_OPERATIONS, "seconds", 0.0)
    _vm_operation(7)
    assert _vm_operation(7)[1] == 1


def test_a_page_reads_the_generation_once_and_again_after_its_own_change(
    carol: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int | None] = []
    read = events._read_team_generation

    def counted() -> int | None:
        reads.append(read())
        return reads[-1]

    monkeypatch.setattr(events, "_read_team_generation", counted)
    token = request_memo._memo.set({})  # as RequestMemoMiddleware opens a page's memo
    try:
        assert selectors.team_state(carol).count == 0
        selectors.vm_operation(101)  # the VM page asks too: the same read
        assert len(reads) == 1
        op = _running_op(carol)
        events._operation_changed(sender=type(op), operation=op)  # announced in this request
        assert selectors.team_state(carol).count == 1
        assert len(reads) == 2 and reads[1] == (reads[0] or 0) + 1  # its own, moved on
    finally:
        request_memo._memo.reset(token)
    selectors.team_state(carol)
    selectors.team_state(carol)
    assert len(reads) == 4  # outside a page, every ask reads
