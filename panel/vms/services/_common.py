"""What every VM service does around its one API call: audit the outcome.

``before`` is what the actor saw on the page when they clicked (the form carries it), and
``after`` is what the API answered. No service makes an extra request just to fill the audit
entry: one direct action is one API call (the issue's rule), and the page the user acted on
is exactly the state they decided from, which is what an auditor wants to see.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from panel.audit import Action, Outcome, Target, record, record_failure
from panel.bigv import BigVClient, BigVError, VirtualMachine
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
    """The audit target. The id comes from the API's answer when there is one, else from
    the page (``ref.vm_id``) so that the VM's history finds failed attempts too."""
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
    """Run ``call`` (the one API request ``client`` makes) and write one audit entry for how
    it ended, with the status the API answered.

    On a BigV error the failure is recorded (refused/failed, with status and message) and
    the error re-raised for the view to show.
    """
    params_dict = dict(params) if params else None
    before_dict = dict(before) if before else None
    try:
        with client.answered() as answer:
            result = call()
    except BigVError as error:
        record_failure(
            actor=actor,
            action=action,
            target=target_for(ref),
            params=params_dict,
            before=before_dict,
            error=error,
        )
        raise
    after_values = after(result) if after is not None else None
    record(
        actor=actor,
        action=action,
        outcome=Outcome.SUCCEEDED,
        target=target(result) if target is not None else target_for(ref),
        params=params_dict,
        before=before_dict,
        after=dict(after_values) if after_values else None,
        api_status=answer.status,
    )
    return result
