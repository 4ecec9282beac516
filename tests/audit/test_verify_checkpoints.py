"""``audit_verify`` and the checkpoints: a missing checkpoint or one behind the chain fails the
check (unless skipped knowingly), and the checkpoints of several machines are checked together.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from panel.audit import Action, Outcome, Target, intent, record
from panel.audit.checkpoint import read_checkpoint
from panel.audit.intents import grace_seconds
from panel.audit.management.commands.audit_verify import Command
from panel.audit.models import AuditEntry, AuditIntent
from panel.audit.verify import CheckpointState, verify_chain


def _append(actor: Any, count: int, first: int = 1) -> None:
    for i in range(first, first + count):
        record(
            actor=actor,
            action=Action.VM_UPDATE,
            outcome=Outcome.SUCCEEDED,
            target=Target.vm(i, f"web{i}", "demo", "web"),
            params={"cores": i},
        )


@pytest.fixture
def checkpointed(db, actor, django_capture_on_commit_callbacks):
    """Ten entries whose checkpoint lines were written, as committed appends write them."""

    def append(count: int, first: int = 1) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            _append(actor, count, first)

    return append


def _verify(*args: str) -> tuple[int, str, str]:
    """Run the command; its exit status, stdout and stderr."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exit_info:
        code = exit_info.code
        assert isinstance(code, int)
        return code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_a_current_checkpoint_verifies(checkpointed):
    checkpointed(10)

    result = verify_chain()
    code, out, err = _verify()

    assert (result.ok, result.checkpoint, result.checkpoint_seq) == (
        True,
        CheckpointState.CURRENT,
        10,
    )
    assert result.warnings == []
    assert (code, err) == (0, "")
    assert out.startswith("OK: 10 entries, head seq 10, verified in ")


def test_an_empty_chain_needs_no_checkpoint(db, checkpoint_file):
    assert not checkpoint_file.exists()

    assert verify_chain().checkpoint == CheckpointState.CURRENT
    code, out, err = _verify()
    assert (code, err) == (0, "")
    assert out.startswith("OK: 0 entries")


def test_a_missing_checkpoint_exits_3(db, actor, checkpoint_file):
    _append(actor, 3)  # the test's transaction never commits: no checkpoint line is written
    assert not checkpoint_file.exists()

    result = verify_chain()
    code, out, err = _verify()

    assert (result.ok, result.checkpoint) == (True, CheckpointState.MISSING)
    assert code == 3
    assert out == ""
    assert err.splitlines()[0] == (
        f"CHECKPOINT MISSING: no checkpoint at {checkpoint_file}: deletion of the newest "
        "entries cannot be detected."
    )
    assert "The chain itself verifies (3 entries, head seq 3)." in err
    assert "--no-checkpoint" in err


def test_a_checkpoint_file_without_a_line_counts_as_missing(db, actor, checkpoint_file):
    _append(actor, 2)
    checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
    checkpoint_file.write_text("torn li")

    assert _verify()[0] == 3


def test_no_checkpoint_skips_it_knowingly(db, actor):
    _append(actor, 3)

    result = verify_chain(checkpoints=[])
    code, out, err = _verify("--no-checkpoint")

    assert result.checkpoint == CheckpointState.SKIPPED and result.warnings == []
    assert code == 0
    assert out.startswith("OK: 3 entries")
    assert err.strip() == (
        "WARNING: checkpoint not checked (--no-checkpoint): deletion of the newest entries "
        "cannot be detected"
    )


def test_a_checkpoint_behind_the_chain_exits_4(checkpointed, actor, checkpoint_file):
    checkpointed(10)
    _append(actor, 2, first=11)  # appended, but their checkpoint lines never came

    result = verify_chain(settle_seconds=0)
    code, out, err = _verify()

    assert (result.ok, result.checkpoint, result.checkpoint_seq) == (
        True,
        CheckpointState.BEHIND,
        10,
    )
    assert code == 4
    assert out == ""
    assert err.splitlines()[0] == (
        "CHECKPOINT BEHIND: checkpoint behind the chain: the newest checkpoint records seq 10 "
        "but the chain ends at seq 12: deletion of the entries after seq 10 cannot be detected."
    )
    assert "another machine" in err and "--checkpoint" in err
    assert _verify("--no-checkpoint")[0] == 0


def test_a_checkpoint_line_that_lands_during_verification_is_waited_for(
    checkpointed, actor, checkpoint_file, monkeypatch
):
    # An append commits, then its process writes the checkpoint: a verification between the
    # two must not call the checkpoint behind.
    from panel.audit import verify

    checkpointed(10)
    _append(actor, 1, first=11)
    head = AuditEntry.objects.get(seq=11)
    reads = {"count": 0}
    real_read = verify.read_checkpoint

    def lagging_read(path: Path | None = None) -> Any:
        reads["count"] += 1
        if reads["count"] == 4:  # before the walk, the missing-file check, one re-read: stale
            with checkpoint_file.open("a") as handle:
                handle.write(f"11 {head.entry_hash}\n")
        return real_read(path)

    monkeypatch.setattr(verify, "read_checkpoint", lagging_read)

    result = verify_chain(settle_seconds=5)

    assert result.checkpoint == CheckpointState.CURRENT
    assert reads["count"] == 4


def test_a_late_checkpoint_line_of_the_head_with_another_hash_does_not_count(
    checkpointed, actor, checkpoint_file, monkeypatch
):
    from panel.audit import verify

    checkpointed(10)
    _append(actor, 1, first=11)
    real_read = verify.read_checkpoint
    reads = {"count": 0}

    def forging_read(path: Path | None = None) -> Any:
        reads["count"] += 1
        if reads["count"] == 2:  # after the walk
            with checkpoint_file.open("a") as handle:
                handle.write(f"11 {'0' * 64}\n")
        return real_read(path)

    monkeypatch.setattr(verify, "read_checkpoint", forging_read)

    result = verify_chain(settle_seconds=0)

    assert result.ok  # the walk's own checkpoint (seq 10) matched
    assert (result.checkpoint, result.checkpoint_seq) == (CheckpointState.BEHIND, 10)
    # The next verification reads the line before its walk: a mismatch at the head.
    monkeypatch.setattr(verify, "read_checkpoint", real_read)
    again = verify_chain()
    assert (again.ok, again.broken_seq) == (False, 11)
    assert again.reason.startswith("checkpoint mismatch")


# --- several machines -----------------------------------------------------------------------


@pytest.fixture
def two_machines(checkpointed, settings, tmp_path) -> tuple[Path, Path]:
    """Entries 1-5 appended on the web machine, 6-8 by a worker on another machine: each
    wrote the checkpoint file of its own machine."""
    web, worker = tmp_path / "web" / "audit-checkpoint.log", tmp_path / "worker" / "cp.log"
    settings.PANEL_AUDIT_CHECKPOINT = web
    checkpointed(5)
    settings.PANEL_AUDIT_CHECKPOINT = worker
    checkpointed(3, first=6)
    settings.PANEL_AUDIT_CHECKPOINT = web
    heads = [read_checkpoint(path) for path in (web, worker)]
    assert [head.seq if head else None for head in heads] == [5, 8]
    return web, worker


def test_one_machines_checkpoint_alone_is_behind(two_machines):
    code, _, err = _verify()

    assert code == 4
    assert "records seq 5 but the chain ends at seq 8" in err


def test_every_machines_checkpoint_together_verifies(two_machines):
    web, worker = two_machines

    result = verify_chain(checkpoints=[web, worker])
    code, out, err = _verify("--checkpoint", str(web), "--checkpoint", str(worker))

    assert (result.ok, result.checkpoint, result.checkpoint_seq) == (
        True,
        CheckpointState.CURRENT,
        8,
    )
    assert (code, err) == (0, "")
    assert out.startswith("OK: 8 entries, head seq 8")


def test_each_machines_checkpoint_must_match_the_chain(two_machines, dba):
    web, worker = two_machines
    web.write_text(f"5 {'f' * 64}\n")  # the web machine's head, with another hash

    code, _, err = _verify("--checkpoint", str(web), "--checkpoint", str(worker))

    assert code == 1
    assert err.strip().startswith("BROKEN at seq 5 (id ")
    assert f"checkpoint mismatch: entry replaced after checkpoint {web}" in err


def test_a_deleted_tail_is_caught_by_the_worker_machines_checkpoint(two_machines, dba):
    web, worker = two_machines
    dba("DELETE FROM audit_auditentry WHERE seq >= 7")

    alone = _verify()  # the web machine's checkpoint (seq 5) cannot see it, but is behind
    together = _verify("--checkpoint", str(web), "--checkpoint", str(worker))

    assert alone[0] == 4
    assert together[0] == 1
    assert together[2].strip() == (
        "BROKEN at seq 7 (entry missing): checkpoint missing entry: the checkpoint records "
        f"seq 8 but the table ends at seq 6 (tail deleted/altered after checkpoint {worker})"
    )


def test_a_machines_checkpoint_that_is_not_there_exits_3(two_machines, tmp_path):
    web, _ = two_machines
    lost = tmp_path / "worker2" / "audit-checkpoint.log"

    code, _, err = _verify("--checkpoint", str(web), "--checkpoint", str(lost))

    assert code == 3
    assert f"no checkpoint at {lost}" in err


def test_checkpoint_and_no_checkpoint_together_are_refused(db):
    code, _, err = _verify("--no-checkpoint", "--checkpoint", "/tmp/x")

    assert code == 2
    assert "not both" in err


# --- intents and help -----------------------------------------------------------------------


class _Crash(BaseException):
    pass


def _leave_intent(actor: Any, *, age: float = 0) -> None:
    with pytest.raises(_Crash), intent(actor=actor, action=Action.VM_RESET):
        raise _Crash
    AuditIntent.objects.update(created_at=timezone.now() - dt.timedelta(seconds=age))


def test_verify_reports_intents_that_sealing_has_not_caught_up_with(checkpointed, actor):
    checkpointed(2)
    _leave_intent(actor, age=grace_seconds() + 5)

    code, out, err = _verify()

    assert code == 0  # the chain and its checkpoint are fine
    assert out.startswith("OK: 2 entries")
    assert err.startswith(
        f"WARNING: 1 action(s) older than {grace_seconds():g} s have no recorded result and "
        "are not sealed into the chain yet (outcome unknown; oldest started "
    )
    assert "Is celery beat running?" in err and "audit_seal" in err


def test_verify_mentions_actions_in_progress(checkpointed, actor):
    checkpointed(2)
    _leave_intent(actor)

    code, out, err = _verify()

    assert (code, err) == (0, "")
    assert "1 action(s) in progress, not in the chain until their result is recorded" in out
    assert _verify("--quiet") == (0, "", "")


def test_help_documents_the_exit_statuses():
    text = Command().create_parser("manage.py", "audit_verify").format_help()

    assert "exit status:" in text
    for line in (
        "  0  the chain verifies and the newest checkpoint reaches its head",
        "  1  the chain is broken",
        "  2  the command line is wrong",
        "  3  checkpoint missing",
        "  4  checkpoint behind",
    ):
        assert line in text, line
    assert "--no-checkpoint" in text and "--checkpoint PATH" in text
