"""The VM changes as the engine runs them: one ``Workflow`` per kind, registered at start-up.

What every VM kind shares: its steps (``steps.STEPS``), how the original state is taken again
right before the first write (``begin``), how the VM is put back (``compensation``) and what
"needs attention" says. Only the words and the sealed inputs differ by kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from panel.bigv import BigVClient, BigVError
from panel.operations.models import Operation
from panel.operations.workflows import NotStartable, Workflow, register
from panel.vm_changes import compensation, describe, pair, teardown
from panel.vm_changes.backup_workflows import backup_workflows
from panel.vm_changes.kinds import DOING, OperationKind
from panel.vm_changes.snapshot import STEPS_DEPEND_ON, VmSnapshot
from panel.vm_changes.steps import STEPS, VmStepContext

# A reimage or a create carries the way into the new system; nothing else takes secrets.
IMAGE_INPUTS = frozenset({"root_password", "ssh_public_key", "firstboot_script"})


def begin(op: Operation, client: BigVClient) -> Mapping[str, Any]:
    """The VM's state right before the first write — what compensation will restore.

    The plan's power steps were decided from its power state and group; a VM that changed
    meanwhile would end in the wrong state, so nothing is done and the user looks again."""
    if op.kind == OperationKind.CREATE or op.vm_id is None:
        return op.original  # nothing exists yet
    try:
        vm = client.vm_by_id(op.vm_id, include_deleted=True)
    except BigVError as error:
        raise NotStartable(f"Could not read {op.vm_name}: {error}") from error
    now = VmSnapshot.of(vm, account=op.account, group=op.group)
    if vm.deleted or now.differs(op.original, STEPS_DEPEND_ON):
        why = "has been deleted" if vm.deleted else "changed since the plan was made"
        raise NotStartable(f"{op.vm_name} {why}; nothing was done.")
    return now.to_json()


def _workflow(kind: OperationKind) -> Workflow:
    sealed = IMAGE_INPUTS if kind in (OperationKind.REIMAGE, OperationKind.CREATE) else frozenset()
    return Workflow(
        kind=kind.value,
        label=str(kind.label),
        doing=DOING[kind],
        steps=STEPS,
        begin=begin,
        undo=compensation.undo_steps,
        attention=compensation.attention_now,
        summary=describe.summary,
        context=VmStepContext,
        sealed_inputs=sealed,
        before_after=describe.before_after,
    )


def register_vm_changes() -> None:
    register(*(_workflow(kind) for kind in OperationKind))
    register(*backup_workflows(_workflow))  # restore, bulk backup; reimage's backup first
    register(*pair.workflows(), *teardown.workflows())  # two VMs at once; a group and its VMs
