"""Concurrent appends never fork or break the chain (real threads, real connections)."""

import threading

from django.db import connection

from panel.audit import Action, Outcome, Target, record
from panel.audit.checkpoint import read_checkpoint
from panel.audit.models import AuditEntry
from panel.audit.verify import verify_chain
from panel.core.actor import Actor

THREADS = 20
APPENDS = 50


def test_20_threads_times_50_appends(audit_table_cleanup, checkpoint_file):
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        actor = Actor(user_id=n, username=f"worker{n}", ip="192.0.2.1", request_id=f"req-{n:08d}")
        try:
            start.wait()
            for i in range(APPENDS):
                record(
                    actor=actor,
                    action=Action.VM_POWER_ON,
                    outcome=Outcome.SUCCEEDED,
                    target=Target.vm(i, f"vm{i}", "demo", "web"),
                    params={"worker": n, "i": i},
                )
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * APPENDS + 1))
    result = verify_chain()
    assert result.ok, result.summary()
    assert result.count == THREADS * APPENDS
    assert result.warnings == []
    # Every committed append wrote its checkpoint line; the highest is the head.
    assert len(checkpoint_file.read_text().splitlines()) == THREADS * APPENDS
    head = read_checkpoint()
    assert head is not None
    assert head.seq == THREADS * APPENDS


def _two_writers_meeting_after_reading_the_head(monkeypatch, *, locked: bool):
    """Two threads append; each waits (briefly) for the other right after reading the head.

    With the append lock the second writer cannot read the head until the first commits, so
    the meeting never happens (the barrier times out). Without it both read the same head.
    """
    from panel.audit import chain

    meeting = threading.Barrier(2, timeout=0.5)
    met: list[bool] = []
    errors: list[BaseException] = []
    real_head = chain._head

    def head_then_meet(using):
        head = real_head(using)
        try:
            meeting.wait()
            met.append(True)
        except threading.BrokenBarrierError:
            met.append(False)
        return head

    monkeypatch.setattr(chain, "_head", head_then_meet)
    if not locked:
        monkeypatch.setattr(chain, "_lock", lambda using: None)

    def worker(n: int) -> None:
        try:
            if not locked and connection.vendor == "sqlite":
                connection.ensure_connection()
                connection.transaction_mode = None  # plain deferred BEGIN: no write lock
            record(
                actor=Actor(user_id=n, username=f"w{n}", ip=None, request_id=f"req-w{n:06d}"),
                action=Action.VM_RESET,
                outcome=Outcome.SUCCEEDED,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return met, errors


def test_the_lock_keeps_a_second_writer_from_reading_the_head(audit_table_cleanup, monkeypatch):
    met, errors = _two_writers_meeting_after_reading_the_head(monkeypatch, locked=True)

    assert errors == []
    assert met == [False, False]
    assert verify_chain().ok


def test_without_the_lock_two_writers_collide(audit_table_cleanup, monkeypatch):
    """Negative control: proves the test above (and the 20 x 50 test) can see a missing lock."""
    met, errors = _two_writers_meeting_after_reading_the_head(monkeypatch, locked=False)

    assert met == [True, True]  # both read the same head
    assert len(errors) == 1  # unique seq/prev_hash (or SQLite's stale snapshot) stops a fork
    assert AuditEntry.objects.count() == 1
    assert verify_chain().ok
