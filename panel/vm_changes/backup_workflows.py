"""The backup kinds as the engine runs them: restoring a backup, and backing up discs.

They start from the VM workflow every kind shares (``workflow._workflow``: the same
``begin``, the "needs attention" words) and bring their own steps, undo and summary.

Putting the VM back after a failed restore means its **power state**, never its data: what
a restore replaced cannot be put back by the panel (BigV's automatic backup of it can be
restored by hand). A restore that was sent may still be running when the undo starts, and
BigV will not start the VM before it is done, so the undo waits for it first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from panel.operations.models import Operation
from panel.operations.workflows import Workflow
from panel.vm_changes import compensation, conf, describe
from panel.vm_changes.kinds import OperationKind
from panel.vm_changes.steps import STEPS
from panel.vm_changes.steps.backups import backup_discs, restore_backup, wait_backups, wait_restored

BACKUP_STEPS = {
    "backup_discs": backup_discs,
    "wait_backups": wait_backups,
    "restore_backup": restore_backup,
    "wait_restored": wait_restored,
    "undo_wait_restored": wait_restored,
}


def undo_steps(op: Operation) -> list[dict[str, Any]]:
    """The shared undo (original power state and auto-reboot, then verify), after waiting
    for a restore that may be running (a skipped step when none is)."""
    steps = compensation.undo_steps(op)
    if op.kind != OperationKind.RESTORE_BACKUP:
        return steps
    wait = {
        "name": "undo_wait_restored",
        "label": "wait for a restore in progress to finish (its data stays restored)",
        "args": {"disc_id": op.params["disc_id"], "timeout": _restore_wait(op)},
        "undo": True,
    }
    return [wait, *steps]


def _restore_wait(op: Operation) -> float:
    """The forward wait's own timeout (it grows with the backup's size)."""
    for step in op.plan:
        if step.get("name") == "wait_restored":
            return float(step.get("args", {}).get("timeout", conf.provision_wait()))
    return conf.provision_wait()


def summary(kind: str, params: Mapping[str, Any], original: Mapping[str, Any]) -> str:
    if kind == OperationKind.RESTORE_BACKUP:
        return (
            f"Restore {params.get('backup_label', '?')} onto disc {params.get('disc_label', '?')}"
        )
    if kind == OperationKind.BACKUP_DISCS:
        return f"Back up disc {', '.join(params.get('discs', [])) or '?'}"
    return describe.summary(kind, params, original)


def backup_workflows(base: Callable[[OperationKind], Workflow]) -> list[Workflow]:
    """The two kinds, built on ``base`` (the shared VM workflow of a kind), and reimage with
    the backup steps."""
    steps = {**STEPS, **BACKUP_STEPS}
    own = [
        dataclasses.replace(base(kind), steps=steps, undo=undo_steps, summary=summary)
        for kind in (OperationKind.RESTORE_BACKUP, OperationKind.BACKUP_DISCS)
    ]
    # A reimage may take a backup of the disc it erases first (plans.reimage).
    return [*own, dataclasses.replace(base(OperationKind.REIMAGE), steps=steps)]
