"""PostgreSQL triggers that refuse UPDATE, DELETE and TRUNCATE on the audit table.

The ORM already refuses changes; the triggers make the database refuse them too, whoever
connects (a psql session, another application, a bug that drops to raw SQL). A superuser can
still drop the triggers — that is what the HMAC chain and ``audit_verify`` are for.

TRUNCATE of an *empty* table is allowed: it destroys nothing, and Django's test framework
flushes every table with a single TRUNCATE after each transactional test. The emptiness check
is safe because TRUNCATE holds ACCESS EXCLUSIVE on the table before BEFORE triggers fire.

SQLite has no equivalent worth having (triggers there are dropped as easily as created), so
this migration does nothing on other databases.
"""

from django.db import migrations

FORWARD_SQL = """
CREATE OR REPLACE FUNCTION audit_auditentry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF NOT EXISTS (SELECT 1 FROM audit_auditentry) THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit entries are never changed or deleted; see panel/audit.';
END;
$$;

CREATE TRIGGER audit_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_refuse_change();

CREATE TRIGGER audit_auditentry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditentry_refuse_change();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_auditentry_no_update_delete ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
