"""The step functions of VM changes, by the names plans use (explicit lists of steps)."""

from __future__ import annotations

from collections.abc import Callable

from .base import StepResult, VmStepContext
from .changes import apply_spec, move
from .create import create, delete_created, wait_provisioned
from .power import power_off, power_off_if_changed, power_on, restore_power, wait_boot
from .reimage import reimage
from .verify import verify

Step = Callable[[VmStepContext], StepResult]

STEPS: dict[str, Step] = {
    "power_off": power_off,
    "power_on": power_on,
    "apply_spec": apply_spec,
    "move": move,
    "reimage": reimage,
    "wait_boot": wait_boot,
    "create": create,
    "wait_provisioned": wait_provisioned,
    "verify": verify,
    # compensation reuses the same check-then-act machinery
    "undo_power_off": power_off_if_changed,
    "undo_spec": apply_spec,
    "undo_move": move,
    "undo_power": restore_power,
    "undo_create": delete_created,
    "undo_verify": verify,
}

__all__ = ["STEPS", "Step", "VmStepContext"]
