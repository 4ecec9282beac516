"""Planning from the VM's live state: what will happen, in words, before the user confirms.

A plan is an explicit list of named steps (``panel.vm_changes.steps``) with their arguments;
the worker runs exactly these. Every step is check-then-act, so a plan stays safe to run even
if the VM moved on between planning and running — but the words the user confirmed are these.
"""

from panel.operations.plans import InvalidPlan, NothingToDo, Plan, PlanStep

from .backups import plan_backup_discs, plan_restore
from .changes import plan_move, plan_spec_change
from .lifecycle import plan_create, plan_for_batch, plan_graceful, plan_power
from .reimage import plan_reimage

__all__ = [
    "InvalidPlan",
    "NothingToDo",
    "Plan",
    "PlanStep",
    "plan_backup_discs",
    "plan_create",
    "plan_for_batch",
    "plan_graceful",
    "plan_move",
    "plan_power",
    "plan_reimage",
    "plan_restore",
    "plan_spec_change",
]
