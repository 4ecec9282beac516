from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "panel.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        checks.register(check_chain_lock, checks.Tags.database)


def check_chain_lock(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """On SQLite the chain relies on BEGIN IMMEDIATE for its append lock (see chain.py)."""
    from django.db import connections

    errors: list[checks.CheckMessage] = []
    for alias in kwargs.get("databases") or []:
        connection = connections[alias]
        mode = str(connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") or "")
        if connection.vendor == "sqlite" and mode.upper() != "IMMEDIATE":
            errors.append(
                checks.Error(
                    "SQLite must use OPTIONS['transaction_mode'] = 'IMMEDIATE'",
                    hint="Without it concurrent audit appends fail with 'database is locked'.",
                    id="audit.E001",
                )
            )
    return errors
