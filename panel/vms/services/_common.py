"""What every VM service does around its one write: audit how it ended.

``before`` is the VM as the server read it right before the write (``_guard``), ``after``
what the API answered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from panel.audit import Action, Target, intent
from panel.bigv import BigVClient, VirtualMachine
from panel.core.actor import Actor
from panel.vms.refs import VmRef

__all__ = ["Action", "SignalSent", "VmGone", "audited", "target_for", "vm_fields"]


@dataclass(frozen=True, slots=True)
class SignalSent:
    """A signal the brain accepted. It answers with an echo only, so there is no new VM
    state to show: the page reads it again later."""

    ref: VmRef
    signal: str
    data: str | None = None


@dataclass(frozen=True, slots=True)
class VmGone:
    """A VM that was deleted (``purged=False``: undeletable for a while) or purged."""

    ref: VmRef
    purged: bool


def target_for(ref: VmRef, vm: VirtualMachine | None = None) -> Target:
    """The audit target, by the VM's id once it is known (read before the write), so the
    VM's history finds failed attempts too."""
    vm_id: object = vm.id if vm is not None else ref.vm_id
    if vm_id is None:
        vm_id = f"{ref.account}/{ref.group}/{ref.vm}"
    return Target.vm(vm_id, ref.vm, ref.account, ref.group)


def vm_fields(vm: VirtualMachine, *names: str) -> dict[str, Any]:
    return {name: getattr(vm, name) for name in names}


def audited[T](
    *,
    actor: Actor,
    action: Action,
    client: BigVClient,
    ref: VmRef,
    call: Callable[[], T],
    params: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    after: Callable[[T], Mapping[str, Any] | None] | None = None,
    target: Callable[[T], Target] | None = None,
) -> T:
    """Run ``call`` (the one API request ``client`` makes) inside an audit intent: the entry
    is started before the request and completed with how it ended and the status the API
    answered, so a crash in between still leaves an "outcome unknown" entry.

    On a BigV error the failure is recorded (refused/failed, with status and message) and
    the error re-raised for the view to show.
    """
    params_dict = dict(params) if params else None
    before_dict = dict(before) if before else None
    with intent(
        actor=actor, action=action, target=target_for(ref), params=params_dict, before=before_dict
    ) as entry:
        with client.answered() as answer:
            result = call()
        after_values = after(result) if after is not None else None
        entry.succeeded(
            target=target(result) if target is not None else None,
            after=dict(after_values) if after_values else None,
            api_status=answer.status,
        )
    return result
