"""What the audit page (and its export) can filter on: a plain value the selectors accept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AuditFilters:
    actor: str = ""  # username, case-insensitive exact match
    action: str = ""
    target: str = ""  # substring of the target's label, or its exact id
    target_type: str = ""
    target_id: str = ""
    outcome: str = ""
    date_from: dt.date | None = None  # inclusive, UTC days
    date_to: dt.date | None = None  # inclusive, UTC days
    q: str = ""  # free text: target label, username, API error, request id, parameters
    operation_id: str = ""
    request_id: str = ""
    # Every step of every operation, not only the person's actions (start, finish…): see
    # ``selectors.STEP_LEVEL``. Asking for one operation or one action shows them anyway.
    steps: bool = False

    @property
    def folded(self) -> bool:
        return not (self.steps or self.operation_id or self.action)
