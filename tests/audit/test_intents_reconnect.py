"""A database that goes away while a write's result is being recorded: the result is
recorded once the database is back (one entry, no intent left), and an attempt that did
commit before its connection broke is not recorded twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from panel.audit import Action, Outcome, Target, chain, intent, intents
from panel.audit.models import AuditEntry, AuditIntent
from panel.core.actor import Actor

# No outer atomic, as in a worker; named as a fixture so that, on PostgreSQL, the append-only
# audit table is emptied before the flush (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("transactional_db")
ACTOR = Actor(user_id=None, username="alice", ip="192.0.2.9", request_id="r" * 32)


@pytest.fixture(autouse=True)
def _quick(monkeypatch) -> None:
    monkeypatch.setattr(intents, "RECONNECT_WAITS", (0.01, 0.01, 0.01))


def _write(**kwargs: Any) -> AuditEntry:
    with intent(
        actor=ACTOR,
        action=Action.VM_DELETE,
        target=Target.vm(3, "db1", "demo", "db"),
        operation_id="op-1",
        step="delete",
        **kwargs,
    ) as entry:
        return entry.succeeded(api_status=204)


def test_a_result_is_recorded_once_the_database_answers_again(monkeypatch) -> None:
    real, failures = chain.append, [2]

    def flaky(content: Any, **kwargs: Any) -> AuditEntry:
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real(content, **kwargs)

    monkeypatch.setattr(chain, "append", flaky)

    entry = _write()

    assert failures == [0]
    assert list(AuditEntry.objects.values_list("seq", "outcome")) == [
        (entry.seq, Outcome.SUCCEEDED.value)
    ]
    assert not AuditIntent.objects.exists()


def test_a_commit_that_landed_before_the_connection_broke_is_not_recorded_twice(
    monkeypatch,
) -> None:
    real, broke = intents.transaction.atomic, [False]

    class CommitThenBreak:
        """The first transaction commits, then its acknowledgement is lost."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.inner = real(*args, **kwargs)

        def __enter__(self) -> Any:
            return self.inner.__enter__()

        def __exit__(self, *exc: Any) -> Any:
            result = self.inner.__exit__(*exc)
            if exc[0] is None and not broke[0] and AuditEntry.objects.exists():
                broke[0] = True
                raise OperationalError("connection lost while committing")
            return result

    monkeypatch.setattr(intents.transaction, "atomic", CommitThenBreak)

    entry = _write()

    assert broke == [True]
    assert AuditEntry.objects.count() == 1 and entry.seq == AuditEntry.objects.get().seq
    assert not AuditIntent.objects.exists()


def test_it_gives_up_after_its_waits_and_leaves_the_intent(monkeypatch) -> None:
    def down(content: Any, **kwargs: Any) -> AuditEntry:
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(chain, "append", down)

    with pytest.raises(OperationalError):
        _write()

    # Left to be sealed as "outcome unknown" (the failure record itself could not be written).
    assert AuditIntent.objects.count() == 1
    assert not AuditEntry.objects.exists()
