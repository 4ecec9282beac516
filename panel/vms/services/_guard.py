"""Before any write: read the VM as BigV has it now, and refuse what may not happen.

Every direct action starts here. The read is the audit entry's "before" — what the VM was
when the server acted, never what a page (perhaps stale, perhaps forged) claimed — and it
tells the VM's id, on which the panel's own refusals are decided, before any write:

- the person's role and BigV level must allow the action (``panel.access.policy``);
- the VM must have no active operation: one change per VM, so a direct Stop cannot race a
  spec change's own steps.

A read that BigV refuses (404: not visible) is audited as the action's failure, as the write
would have been.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from panel.access.levels import Need
from panel.access.policy import Denied, require_idle, require_vm
from panel.audit import Action, Outcome, record, record_failure
from panel.bigv import BigVClient, BigVError, VirtualMachine
from panel.core.actor import Actor
from panel.vms.refs import VmRef

from ._common import audited, target_for


def checked_vm(
    *, actor: Actor, client: BigVClient, ref: VmRef, action: Action, need: Need
) -> VirtualMachine:
    """The VM now, once the person may ``need`` it and it is not busy (else refused)."""
    try:
        vm = client.vm(ref.account, ref.group, ref.vm, include_deleted=True)
    except BigVError as error:
        record_failure(actor=actor, action=action, target=target_for(ref), error=error)
        raise
    target = target_for(ref, vm)
    require_vm(actor=actor, vm_id=vm.id, vm_name=vm.name, need=need, action=action, target=target)
    require_idle(actor=actor, vm_id=vm.id, action=action, target=target)
    return vm


def guarded[T](
    *,
    actor: Actor,
    action: Action,
    client: BigVClient,
    ref: VmRef,
    need: Need = Need.MANAGE,
    call: Callable[[VirtualMachine], T],
    check: Callable[[VirtualMachine], None] | None = None,
    before: Callable[[VirtualMachine], Mapping[str, Any] | None] | None = None,
    params: Mapping[str, Any] | Callable[[VirtualMachine], Mapping[str, Any]] | None = None,
    after: Callable[[T], Mapping[str, Any] | None] | None = None,
    target: Callable[[T], Any] | None = None,
) -> T:
    """``checked_vm``, then ``check(vm)`` — input that the VM as it is now makes wrong
    raises ``ValidationError``; a refusal (``Denied``) is audited — then ``call(vm)``, the
    one write, audited (``audited``) with the VM as read for "before". ``params`` may be
    worked out from the VM too (what will be sent, e.g. the next free disc label)."""
    vm = checked_vm(actor=actor, client=client, ref=ref, action=action, need=need)
    known = VmRef(account=ref.account, group=ref.group, vm=ref.vm, vm_id=vm.id)
    target_now = target_for(known, vm)
    if check is not None:
        try:
            check(vm)
        except Denied as refusal:
            record(
                actor=actor,
                action=action,
                outcome=Outcome.DENIED,
                target=target_now,
                api_error=refusal.message,
            )
            raise
    sent = params(vm) if callable(params) else params
    try:
        was = before(vm) if before is not None else None  # it may read BigV too
    except BigVError as error:
        record_failure(actor=actor, action=action, target=target_now, params=sent, error=error)
        raise
    return audited(
        actor=actor,
        action=action,
        client=client,
        ref=known,
        call=lambda: call(vm),
        params=sent,
        before=was,
        after=after,
        target=target,
    )
