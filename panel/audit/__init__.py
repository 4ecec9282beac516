"""The audit trail: ``record(...)`` is the only way in; everyone may read, nobody may change.

Re-exports are import-safe before the app registry is ready: ``record`` and
``record_failure`` import the models only when called.
"""

from panel.audit.actions import Action, Outcome
from panel.audit.recorder import record, record_failure
from panel.audit.targets import Target

__all__ = ["Action", "Outcome", "Target", "record", "record_failure"]
