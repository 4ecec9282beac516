"""Each tampering a database administrator could do is caught at the right entry."""

import hashlib
import hmac

import pytest
from django.core.management import call_command

from panel.audit import Action, Outcome, Target, record
from panel.audit.chain import canonical_json, entry_values
from panel.audit.models import AuditEntry
from panel.audit.verify import verify_chain


@pytest.fixture
def chain(db, actor, django_capture_on_commit_callbacks):
    # Commit callbacks run so that the checkpoint is written as in production.
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(1, 11):
            record(
                actor=actor,
                action=Action.VM_UPDATE,
                outcome=Outcome.SUCCEEDED,
                target=Target.vm(i, f"web{i}", "demo", "web"),
                params={"cores": i},
                before={"cores": i - 1},
                after={"cores": i},
                api_status=200,
            )
    assert verify_chain().ok
    return {e.seq: e for e in AuditEntry.objects.all()}


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("target_label", "db9 in demo/db"),
        ("outcome", "failed"),
        ("params", '{"cores": 64}'),
        ("actor_username", "mallory"),
        ("api_status", 500),
        ("created_at", "2020-01-01 00:00:00"),
    ],
)
def test_update_of_one_field(chain, dba, column, value):
    dba(f"UPDATE audit_auditentry SET {column} = %s WHERE seq = 5", [value])  # noqa: S608

    result = verify_chain()

    assert (result.ok, result.broken_seq, result.broken_id) == (False, 5, chain[5].pk)
    assert result.reason.startswith("hash mismatch")


def test_delete_in_the_middle(chain, dba):
    dba("DELETE FROM audit_auditentry WHERE seq = 5")

    result = verify_chain()

    assert (result.ok, result.broken_seq) == (False, 6)
    assert result.reason.startswith("seq gap")


def test_delete_in_the_middle_and_renumber(chain, dba):
    dba("DELETE FROM audit_auditentry WHERE seq = 5")
    for seq in range(6, 11):
        dba("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [seq - 1, seq])

    result = verify_chain()

    assert (result.ok, result.broken_seq) == (False, 5)
    assert result.reason.startswith("hash mismatch")


def test_delete_of_the_last_entries(chain, dba, checkpoint_file):
    assert checkpoint_file.read_text().splitlines()[-1] == f"10 {chain[10].entry_hash}"
    dba("DELETE FROM audit_auditentry WHERE seq >= 8")

    result = verify_chain()

    assert (result.ok, result.broken_seq, result.broken_id) == (False, 8, None)
    assert result.reason.startswith("checkpoint missing entry")
    assert "tail deleted/altered after checkpoint" in result.reason


def test_without_a_checkpoint_a_deleted_tail_is_only_warned_about(chain, dba, checkpoint_file):
    checkpoint_file.unlink()
    dba("DELETE FROM audit_auditentry WHERE seq >= 8")

    result = verify_chain()

    assert result.ok
    assert "cannot be detected" in result.warnings[0]


def test_inserted_forged_entry(chain, dba):
    # Renumber to make room at seq 5 (descending, so the unique seq never collides), then
    # insert an entry that links to seq 4 and is hashed with a guessed key.
    for seq in range(10, 4, -1):
        dba("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [seq + 1, seq])
    forged = chain[4]
    forged.seq, forged.prev_hash, forged.target_label = 5, chain[4].entry_hash, "forged"
    canonical = canonical_json(entry_values(forged))
    forged_hash = hmac.new(
        b"guessed-key", (forged.prev_hash + canonical).encode(), hashlib.sha256
    ).hexdigest()
    dba(
        "INSERT INTO audit_auditentry (seq, created_at, actor_username, request_id, action,"
        " target_type, target_id, target_label, params, outcome, api_error, operation_id, step,"
        " prev_hash, entry_hash) VALUES (5, %s, 'alice', 'req-x', 'vm.update', 'vm', '4',"
        " 'forged', '{}', 'succeeded', '', '', '', %s, %s)",
        [forged.created_at, "f" * 64, forged_hash],
    )

    result = verify_chain()

    assert (result.ok, result.broken_seq) == (False, 5)
    assert result.reason.startswith("hash mismatch")


def test_forged_entry_appended_at_the_head(chain, dba):
    dba(
        "INSERT INTO audit_auditentry (seq, created_at, actor_username, request_id, action,"
        " target_type, target_id, target_label, params, outcome, api_error, operation_id, step,"
        " prev_hash, entry_hash) VALUES (11, %s, 'alice', 'req-x', 'vm.delete', 'vm', '1',"
        " 'web1', '{}', 'succeeded', '', '', '', %s, %s)",
        [chain[10].created_at, chain[10].entry_hash, "e" * 64],
    )

    result = verify_chain()

    assert (result.ok, result.broken_seq) == (False, 11)


def test_two_entries_swapped(chain, dba):
    dba("UPDATE audit_auditentry SET seq = -1 WHERE seq = 4")
    dba("UPDATE audit_auditentry SET seq = 4 WHERE seq = 5")
    dba("UPDATE audit_auditentry SET seq = 5 WHERE seq = -1")

    result = verify_chain()

    assert (result.ok, result.broken_seq, result.broken_id) == (False, 4, chain[5].pk)


def test_audit_verify_command_reports_ok(chain, capsys):
    call_command("audit_verify")

    assert capsys.readouterr().out.startswith("OK: 10 entries, head seq 10, verified in ")


def test_audit_verify_command_quiet(chain, capsys):
    call_command("audit_verify", "--quiet")

    assert capsys.readouterr().out == ""


def test_audit_verify_command_reports_the_first_broken_entry(chain, dba, capsys):
    dba("UPDATE audit_auditentry SET outcome = 'failed' WHERE seq IN (3, 7)")

    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")

    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip() == (
        f"BROKEN at seq 3 (id {chain[3].pk}): hash mismatch: content altered, or entry forged"
    )


def test_a_different_key_breaks_the_whole_chain(chain, settings):
    settings.PANEL_AUDIT_KEY = "another-key-0123456789abcdef0123456789"

    result = verify_chain()

    assert (result.ok, result.broken_seq) == (False, 1)
