"""Views of panel.operations, one module per concern (design.md §2: split past ~300 lines)."""

from .batches import batch_new, batch_stop
from .changes import graceful, move, reimage, spec_change
from .create import create_vm
from .live import (
    batch_events,
    batch_progress,
    operation_events,
    operation_progress,
    running,
    team_events,
)
from .pages import batch_detail, operation_cancel, operation_detail, operation_list

__all__ = [
    "batch_detail",
    "batch_events",
    "batch_new",
    "batch_progress",
    "batch_stop",
    "create_vm",
    "graceful",
    "move",
    "operation_cancel",
    "operation_detail",
    "operation_events",
    "operation_list",
    "operation_progress",
    "reimage",
    "running",
    "spec_change",
    "team_events",
]
