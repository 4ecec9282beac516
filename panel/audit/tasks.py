"""Celery tasks of the audit trail: thin, ids only (docs/architecture.md, Layers).

Bound to the panel's app explicitly, like ``panel.operations.tasks`` (see there why).
"""

from __future__ import annotations

from panel.audit import intents
from panel.celery import app


@app.task(name="panel.audit.seal_intents", ignore_result=True)
def seal_intents() -> int:
    """Seal intents older than the grace period into the chain as outcome ``unknown``."""
    return intents.seal_intents()
