import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import DO_NOTHING

from panel.audit import Action, Outcome, record
from panel.audit.models import AuditAppendOnlyError, AuditEntry
from panel.audit.verify import verify_chain
from panel.core.actor import Actor
from tests.audit.helpers import on_postgres


@pytest.fixture
def entry(db, actor):
    return record(actor=actor, action=Action.VM_RESET, outcome=Outcome.SUCCEEDED)


def test_saving_an_existing_entry_raises(entry):
    entry.outcome = "failed"
    with pytest.raises(AuditAppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get().outcome == "succeeded"


def test_writing_around_record_raises(db):
    with pytest.raises(AuditAppendOnlyError):
        AuditEntry.objects.create(seq=99, action="vm.reset", outcome="succeeded")
    with pytest.raises(AuditAppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(seq=99)])
    assert not AuditEntry.objects.exists()


def test_deleting_or_updating_through_the_orm_raises(entry):
    with pytest.raises(AuditAppendOnlyError):
        entry.delete()
    with pytest.raises(AuditAppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditAppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(outcome="failed")
    with pytest.raises(AuditAppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["outcome"])
    with pytest.raises(AuditAppendOnlyError):
        AuditEntry._base_manager.all().update(outcome="failed")
    with pytest.raises(AuditAppendOnlyError):
        AuditEntry.objects.update_or_create(pk=entry.pk, defaults={"outcome": "failed"})
    assert AuditEntry.objects.get().outcome == "succeeded"
    assert verify_chain().ok


def test_deleting_a_user_leaves_their_entries_untouched(db):
    field = AuditEntry._meta.get_field("actor")
    # The ORM does nothing to audit rows when a user goes (and needs no query to know it)…
    assert field.remote_field.on_delete is DO_NOTHING
    # …and the database has no constraint that would block or cascade the user's deletion.
    assert field.db_constraint is False
    user = get_user_model().objects.create_user("carol")
    record(
        actor=Actor(user_id=user.pk, username="carol", ip=None, request_id="req-carol0001"),
        action=Action.AUTH_LOGIN,
        outcome=Outcome.SUCCEEDED,
    )

    # Deleted as the database sees it (user.delete() would also visit every other app's
    # related tables, which is not what this test is about — their role membership aside).
    user.groups.clear()
    get_user_model().objects.filter(pk=user.pk)._raw_delete("default")

    entry = AuditEntry.objects.get()
    assert (entry.actor_id, entry.actor_username) == (user.pk, "carol")
    assert verify_chain().ok


@on_postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET outcome = 'failed'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry",
    ],
)
def test_postgres_triggers_refuse_changes(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEntry.objects.get().outcome == "succeeded"


def test_system_check_insists_on_immediate_transactions_for_sqlite(monkeypatch):
    from panel.audit.apps import check_chain_lock

    assert check_chain_lock(databases=["default"]) == []
    if connection.vendor == "sqlite":
        options = {**connection.settings_dict["OPTIONS"], "transaction_mode": "DEFERRED"}
        monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
        assert [e.id for e in check_chain_lock(databases=["default"])] == ["audit.E001"]
