"""The audit trail: ``intent(...)`` around a write to BigV, ``record(...)`` for everything
else; everyone may read, nobody may change.

Re-exports are import-safe before the app registry is ready: ``intent``, ``record`` and
``record_failure`` import the models only when called.
"""

from panel.audit.actions import Action, Outcome
from panel.audit.intents import PendingEntry, intent
from panel.audit.recorder import record, record_failure
from panel.audit.targets import Target

__all__ = ["Action", "Outcome", "PendingEntry", "Target", "intent", "record", "record_failure"]
