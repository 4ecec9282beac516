"""Assertions the operation tests share: the audit trail is complete, secrets are nowhere."""

from __future__ import annotations

import json
from typing import Any

from panel.audit import Action, Outcome
from panel.operations.models import Operation
from tests.operations.helpers import audit_of


def assert_audit_complete(op: Operation, *, ip: str = "192.0.2.7") -> None:
    """Start and finish entries; every step that started ended; all name the person; every
    API call that succeeded says what the API answered."""
    entries = audit_of(op)
    assert entries, "no audit entries"
    assert (entries[0].action, entries[0].outcome) == (Action.OPERATION_START, Outcome.STARTED)
    assert entries[-1].action == Action.OPERATION_FINISH
    steps = [e for e in entries if e.action == Action.OPERATION_STEP and e.step != "compensate"]
    started = {e.step for e in steps if e.outcome == Outcome.STARTED}
    ended = {e.step for e in steps if e.outcome != Outcome.STARTED}
    assert started == ended, (started, ended)
    logged = {entry["step"] for entry in op.step_log}
    assert logged <= started
    for entry in entries:
        if entry.action == Action.OPERATION_CANCEL:
            continue  # names whoever asked to cancel
        assert entry.actor_id == op.actor_id
        assert entry.actor_username == op.actor_username
        assert str(entry.source_ip) == ip
        assert entry.request_id == op.request_id
        if entry.outcome == Outcome.SUCCEEDED and not entry.action.startswith("operation."):
            assert entry.api_status is not None and 200 <= entry.api_status < 300, entry


def assert_secret_nowhere(op: Operation, *values: str) -> None:
    op.refresh_from_db()
    assert op.secret_params == ""
    visible: list[Any] = [op.params, op.plan, op.step_log, op.original, op.error, op.attention]
    for entry in audit_of(op):
        visible += [entry.params, entry.before, entry.after, entry.api_error]
    text = json.dumps(visible, default=str)
    for value in values:
        assert value not in text
