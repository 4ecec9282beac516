"""Finding a VM by its id, whatever it is called now and whichever group it is in.

Pages are addressed by names, as BigV addresses VMs, but names change: a move or a rename
leaves every link written before it pointing at nothing. Links that must last (operation
pages, the audit trail, a VM's history) go through the VM's id instead (``vms:by_id``), and
an old name-based URL is looked up in what the panel remembers of that name (its operations
and audited renames and moves) — then, in both cases, BigV is asked where that id is now.
"""

from __future__ import annotations

from django.db.models import Q

from panel.access.services import scope_knowing
from panel.audit import Action
from panel.audit.models import AuditEntry
from panel.bigv import BigVClient, NotFound
from panel.operations.models import Operation
from panel.vms.refs import VmRef

# Actions after which a VM answers to another path than the one it was audited under.
_RELOCATING = (Action.VM_RENAME, Action.VM_MOVE)


def place_of(user: object, client: BigVClient, vm_id: int) -> tuple[VmRef, bool] | None:
    """Where the VM is now, by names (and whether it is deleted); None if BigV shows this
    person no such VM. One read of the VM; the names of its group and account come from the
    person's BigV scope, read again when it does not know that group yet."""
    try:
        vm = client.vm_by_id(vm_id, include_deleted=True)
    except NotFound:
        return None
    group_id = vm.group_id
    if group_id is None:
        return None
    scope = scope_knowing(user, lambda s: group_id in s.groups)
    if group_id not in scope.groups:
        return None
    account_id, group = scope.groups[group_id]
    account = scope.accounts.get(account_id)
    if account is None:
        return None
    return VmRef(account=account, group=group, vm=vm.name, vm_id=vm.id), vm.deleted


def former_ids(ref: VmRef) -> list[int]:
    """Ids of VMs that answered to this path before, newest first."""
    ops = (
        Operation.objects.filter(
            account=ref.account, group=ref.group, vm_name=ref.vm, vm_id__isnull=False
        )
        .order_by("-created_at")
        .values_list("vm_id", flat=True)[:5]
    )
    audited = (
        AuditEntry.objects.filter(
            Q(action__in=[str(a) for a in _RELOCATING]), target_type="vm", target_label=ref.label
        )
        .order_by("-seq")
        .values_list("target_id", flat=True)[:5]
    )
    ids = [value for value in ops if value is not None]
    ids += [int(value) for value in audited if str(value).isdigit()]
    return list(dict.fromkeys(ids))


def moved_to(user: object, client: BigVClient, ref: VmRef) -> VmRef | None:
    """Where a VM once known by ``ref`` is now, when it has moved or been renamed since."""
    for vm_id in former_ids(ref):
        found = place_of(user, client, vm_id)
        if found is not None and found[0].url_kwargs() != ref.url_kwargs():
            return found[0]
    return None
