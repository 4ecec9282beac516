"""The kinds of operation the engine can run, registered by the apps that own them.

The engine knows how to claim, run, wait, fence, compensate and finish — not what a step
does, which state to record before the first write, how to put a target back or how to say
what an operation is. Each kind brings those as a ``Workflow`` (``panel.vm_changes``
registers the VM changes in its ``AppConfig.ready``), so the engine imports nothing above it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from panel.bigv import BigVClient

    from .models import Operation
    from .steps import StepContext, StepResult

    # A step takes the workflow's own context class (a StepContext).
    Step = Callable[[Any], StepResult]


class NotStartable(Exception):
    """The target is no longer what the plan was made for; nothing was done."""


@dataclass(frozen=True)
class Workflow:
    kind: str
    label: str  # "Change spec"
    doing: str  # "changing the spec of" (for "busy: alice is changing the spec of web1")
    # Step functions by the names plans use, forward and undo steps alike.
    steps: Mapping[str, Step]
    # Re-read the target right before the first write: the original state to record, or
    # NotStartable when it changed since the plan (the plan's steps were decided from it).
    begin: Callable[[Operation, BigVClient], Mapping[str, Any]]
    # The undo steps (as plan dicts), computed from ``op.original``.
    undo: Callable[[Operation], list[dict[str, Any]]]
    # Words for "even putting it back failed": what the target looks like now versus before.
    attention: Callable[[Operation, BigVClient | None, str], str]
    # One line for the row: "Change spec: cores 2→4".
    summary: Callable[[str, Mapping[str, Any], Mapping[str, Any]], str]
    # The step context class (None: the engine's plain StepContext).
    context: type[StepContext] | None = None
    # The inputs that may travel sealed with the operation (root password, SSH keys, …).
    sealed_inputs: frozenset[str] = field(default_factory=frozenset)
    # The target before and after, as the finish entry of the audit trail shows them
    # (after: as the operation's last verification read it). None: the engine records none.
    before_after: (
        Callable[[Operation], tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]] | None
    ) = None


_REGISTRY: dict[str, Workflow] = {}


def register(*workflows: Workflow) -> None:
    for workflow in workflows:
        _REGISTRY[workflow.kind] = workflow


def workflow_for(kind: str) -> Workflow:
    """The workflow of ``kind``; KeyError for a kind no installed app registers."""
    return _REGISTRY[kind]


def kind_label(kind: str) -> str:
    workflow = _REGISTRY.get(kind)
    return workflow.label if workflow is not None else kind
