"""kill -9 between an audit intent and its completion, in a real process on PostgreSQL.

Like test_postgres_live.py: a throwaway database on 127.0.0.1:5432 migrated by the app's own
migrations, ``manage.py`` in subprocesses. A process is killed with SIGKILL inside
``intent()`` — where a BigV call would be in flight — and the trail must then show the action
(as an intent, then as a sealed ``unknown`` entry that verifies), never lose it.
"""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator

import pytest

from tests.audit.test_postgres_live import SERVER, manage, psycopg

pytestmark = pytest.mark.xdist_group("audit-intents-live")

KILLED_IN_FLIGHT = """
import os, signal
from panel.audit import Action, Target, intent
from panel.core.actor import Actor
actor = Actor(user_id=None, username="alice", ip="192.0.2.1", request_id="0123456789abcdef")
with intent(actor=actor, action=Action.VM_DELETE, target=Target.vm(7, "web7", "demo", "web"),
            params={"purge": False}):
    os.kill(os.getpid(), signal.SIGKILL)  # the BigV call is in flight
raise SystemExit("not reached")
"""


@pytest.fixture(scope="module")
def live_db(tmp_path_factory) -> Iterator[dict[str, str]]:
    name = f"panel_audit_intents_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc})")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        env = {
            **os.environ,
            "DATABASE_URL": f"{SERVER}/{name}",
            "PANEL_AUDIT_CHECKPOINT": str(tmp_path_factory.mktemp("intents") / "checkpoint.log"),
            "DATABASE_CONN_MAX_AGE": "0",
        }
        try:
            manage(env, "migrate", "audit", "--skip-checks", "--no-input", "-v", "0")
            yield env
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(env: dict[str, str], statement: str) -> list[tuple]:
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else []


def test_a_process_killed_mid_call_leaves_an_intent_that_is_sealed_as_unknown(live_db):
    killed = manage(live_db, "shell", "--no-imports", "-c", KILLED_IN_FLIGHT, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    # The action is visible at once, not in the chain.
    assert query(live_db, "SELECT action, target_label, params::text FROM audit_auditintent") == [
        ("vm.delete", "web7 in demo/web", '{"purge": false}')
    ]
    assert query(live_db, "SELECT count(*) FROM audit_auditentry") == [(0,)]
    fresh = manage(live_db, "audit_verify")
    assert "1 action(s) in progress" in fresh.stdout

    # Past the grace period (as if beat had not run yet): verify says so, sealing fixes it.
    query(live_db, "UPDATE audit_auditintent SET created_at = now() - interval '1 hour'")
    overdue = manage(live_db, "audit_verify")
    assert "WARNING: 1 action(s) older than" in overdue.stderr
    sealed = manage(live_db, "audit_seal")
    assert sealed.stdout.startswith("Sealed 1 intent(s) as outcome unknown")

    assert query(live_db, "SELECT count(*) FROM audit_auditintent") == [(0,)]
    [(seq, action, outcome, error)] = query(
        live_db, "SELECT seq, action, outcome, api_error FROM audit_auditentry"
    )
    assert (seq, action, outcome) == (1, "vm.delete", "unknown")
    assert error.startswith("Outcome unknown: started ")
    # The sealing process wrote the checkpoint of its append: the whole check passes.
    ok = manage(live_db, "audit_verify")
    assert ok.stdout.startswith("OK: 1 entries, head seq 1")
    assert ok.stderr == ""
