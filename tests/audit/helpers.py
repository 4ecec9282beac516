"""Shared test helpers (not fixtures): sample rows, markers, table names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

TABLE = "audit_auditentry"
ROW_TRIGGER = "audit_auditentry_no_update_delete"

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL triggers: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/panel",
)


def sample_rows(count: int, **overrides: Any) -> Iterator[dict[str, Any]]:
    """Varied, realistic rows for append_many."""
    actions = ["vm.power_off", "vm.update", "group.create", "credentials.connect", "vm.reboot"]
    outcomes = ["succeeded", "failed", "refused", "started"]
    for i in range(count):
        yield {
            "actor_id": i % 7 or None,
            "actor_username": f"user{i % 7}",
            "source_ip": f"198.51.100.{i % 250}",
            "request_id": f"req{i // 3:012d}",
            "action": actions[i % len(actions)],
            "outcome": outcomes[i % len(outcomes)],
            "target_type": "vm",
            "target_id": str(1000 + i % 40),
            "target_label": f"web{i % 40} in demo/web",
            "params": {"cores": i % 8 + 1, "memory": 1024 * (i % 4 + 1), "ratio": i / 7},
            "before": {"power_on": True} if i % 2 else None,
            "after": {"power_on": False} if i % 2 else None,
            "api_status": 200 if i % 4 == 0 else None,
            "api_error": "",
            **overrides,
        }
