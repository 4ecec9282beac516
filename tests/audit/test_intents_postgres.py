"""Audit intents on PostgreSQL: an ordinary table beside the append-only one, and the append
lock that keeps a completion and the sealing task from both writing an entry for one intent.

Skipped unless DATABASE_URL selects PostgreSQL (see tests/audit/helpers.py); the kill -9 of a
real process against the machine's PostgreSQL is in test_intents_live.py.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from panel.audit import Action, Outcome, intent, record
from panel.audit.intents import grace_seconds, seal_intents
from panel.audit.models import AuditEntry, AuditIntent
from panel.audit.verify import verify_chain
from tests.audit.helpers import on_postgres

pytestmark = on_postgres


class Crash(BaseException):
    pass


def test_the_intent_table_is_ordinary_and_the_entry_table_stays_append_only(db, actor):
    with pytest.raises(Crash), intent(actor=actor, action=Action.VM_RESET):
        raise Crash
    record(actor=actor, action=Action.AUTH_LOGIN, outcome=Outcome.SUCCEEDED)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger"
            " WHERE tgrelid = 'audit_auditintent'::regclass AND NOT tgisinternal"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("UPDATE audit_auditintent SET step = 'edited'")
        assert cursor.rowcount == 1
        cursor.execute("DELETE FROM audit_auditintent")
        assert cursor.rowcount == 1
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 1


def _waiting_for_an_advisory_lock(timeout: float = 30) -> bool:
    """Whether some session is (or within ``timeout`` becomes) blocked on an advisory lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            row = cursor.fetchone()
        if row and row[0]:
            return True
        time.sleep(0.02)
    return False


def test_sealing_waits_for_a_completion_that_holds_the_append_lock(
    audit_table_cleanup, actor, monkeypatch
):
    """A completion appends, then deletes its intent, holding the append lock until commit;
    the sealing task takes the lock before it looks at intents, so it finds this one gone."""
    from panel.audit import chain

    appended, release = threading.Event(), threading.Event()
    real_append = chain.append

    def append_then_hold(content, *, using="default"):
        entry = real_append(content, using=using)
        if content["outcome"] == Outcome.SUCCEEDED:
            appended.set()
            release.wait(timeout=30)
        return entry

    monkeypatch.setattr(chain, "append", append_then_hold)
    errors: list[BaseException] = []
    sealed: list[int] = []

    def complete() -> None:
        try:
            with intent(actor=actor, action=Action.VM_RESET) as entry:
                # Due for sealing, as if the call had taken longer than the grace period.
                AuditIntent.objects.filter(pk=entry.intent_id).update(
                    created_at=timezone.now() - dt.timedelta(seconds=grace_seconds() + 1)
                )
                entry.succeeded(api_status=200)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    def seal() -> None:
        try:
            sealed.append(seal_intents())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    completing = threading.Thread(target=complete)
    completing.start()
    assert appended.wait(timeout=30)
    sealing = threading.Thread(target=seal)
    sealing.start()
    try:
        assert _waiting_for_an_advisory_lock(), "the sealing task did not wait for the lock"
    finally:
        release.set()
        completing.join()
        sealing.join()

    assert errors == []
    assert sealed == [0]
    assert list(AuditEntry.objects.values_list("outcome", flat=True)) == ["succeeded"]
    assert not AuditIntent.objects.exists()
    assert verify_chain().ok
