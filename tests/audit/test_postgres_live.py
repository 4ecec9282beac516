"""The PostgreSQL triggers and tamper detection, always run against the machine's PostgreSQL.

The rest of the suite runs on whichever database DATABASE_URL selects (SQLite by default), so
the triggers would go untested in a default run. This module therefore makes its own
throwaway database on 127.0.0.1:5432 and drives it the way production would:

* ``manage.py migrate audit`` in a subprocess with DATABASE_URL pointing at the new database
  — the app's real migrations create the table and the triggers, not a copy of their SQL;
* ``manage.py shell -c`` to append entries through ``record()``, the only writer;
* psycopg, as a database user with raw SQL, to try UPDATE, DELETE and TRUNCATE;
* ``manage.py audit_verify`` in a subprocess to check detection after a DBA drops the trigger.

Subprocesses keep this independent of the in-process Django connection (which may be SQLite).
The database is dropped afterwards. If PostgreSQL is not reachable the module is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg")

# One worker runs the whole module under pytest-xdist: its tests share one (costly) fixture.
pytestmark = pytest.mark.xdist_group("audit-postgres-live")
ROOT = Path(__file__).resolve().parents[2]
SERVER = "postgres://postgres@127.0.0.1:5432"

RECORD_FIVE = """
from panel.audit import Action, Outcome, Target, record
from panel.core.actor import Actor
actor = Actor(user_id=None, username="alice", ip="192.0.2.1", request_id="req-live-000001")
for i in range(1, 6):
    record(actor=actor, action=Action.VM_UPDATE, outcome=Outcome.SUCCEEDED,
           target=Target.vm(i, f"web{i}", "demo", "web"), params={"cores": i})
"""


@pytest.fixture(scope="module")
def live_db(tmp_path_factory) -> Iterator[dict[str, str]]:
    name = f"panel_audit_live_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc})")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        env = {
            **os.environ,
            "DATABASE_URL": f"{SERVER}/{name}",
            "PANEL_AUDIT_CHECKPOINT": str(tmp_path_factory.mktemp("live") / "checkpoint.log"),
            "DATABASE_CONN_MAX_AGE": "0",
        }
        try:
            manage(env, "migrate", "audit", "--skip-checks", "--no-input", "-v", "0")
            manage(env, "shell", "--no-imports", "-c", RECORD_FIVE)
            yield env
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def sql(env: dict[str, str], statement: str) -> None:
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET outcome = 'failed' WHERE seq = 3",
        "DELETE FROM audit_auditentry WHERE seq = 5",
        "TRUNCATE audit_auditentry",
    ],
)
def test_triggers_refuse_changes(live_db, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        sql(live_db, statement)


def test_chain_verifies_and_tampering_by_a_dba_is_detected(live_db):
    ok = manage(live_db, "audit_verify")
    assert ok.stdout.startswith("OK: 5 entries, head seq 5")

    # A database administrator can drop the trigger; the chain still gives them away.
    sql(live_db, "DROP TRIGGER audit_auditentry_no_update_delete ON audit_auditentry")
    sql(live_db, "DELETE FROM audit_auditentry WHERE seq = 5")
    tail = manage(live_db, "audit_verify", check=False)
    assert tail.returncode == 1
    assert tail.stderr.strip().startswith("BROKEN at seq 5 (entry missing): checkpoint missing")

    sql(live_db, "UPDATE audit_auditentry SET target_label = 'db1 in demo/db' WHERE seq = 2")
    edited = manage(live_db, "audit_verify", check=False)
    assert edited.returncode == 1
    assert edited.stderr.strip().startswith("BROKEN at seq 2 (id ")
    assert "hash mismatch" in edited.stderr
