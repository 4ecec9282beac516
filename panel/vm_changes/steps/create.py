"""Create a VM (``vm_create``), follow its background provisioning, or undo it.

``vm_create`` is a POST (never retried by the client) answered with 202. The step
remembers ``pending`` before sending; if a crash leaves it in doubt, the VM is looked up by
name in its group first and adopted when it exists, so a resumed step never creates a
second one.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from panel.audit import Action
from panel.bigv import (
    BackupScheduleSpec,
    DiscSpec,
    ImageInstall,
    NotFound,
    VirtualMachine,
    VirtualMachineSpec,
)
from panel.operations import claims
from panel.vm_changes import conf

from .base import Done, StepFailed, StepResult, VmStepContext


def _disc(d: dict[str, Any]) -> DiscSpec:
    schedules = tuple(
        BackupScheduleSpec(str(s["start_at"]), int(s["interval_seconds"]), int(s["capacity"]))
        for s in d.get("backup_schedules") or []
    )
    return DiscSpec(
        size=int(d["size"]),
        storage_grade=str(d["storage_grade"]),
        label=d.get("label"),
        backup_schedules=schedules,
    )


def _spec(params: dict[str, Any], secrets: dict[str, str]) -> VirtualMachineSpec:
    """The spec the plan showed, rebuilt from the operation's params (the secrets apart)."""
    discs = tuple(_disc(d) for d in params["discs"])
    image = None
    if params.get("distribution"):
        image = ImageInstall(distribution=str(params["distribution"]), **secrets)
    return VirtualMachineSpec(
        name=str(params["name"]),
        cores=int(params["cores"]),
        memory=int(params["memory"]),
        zone_name=params.get("zone_name"),
        hardware_profile=params.get("hardware_profile"),
        hardware_profile_locked=params.get("hardware_profile_locked"),
        autoreboot_on=bool(params.get("autoreboot_on", True)),
        cdrom_url=params.get("cdrom_url"),
        discs=discs,
        reimage=image,
        ips=params.get("ips"),
    )


def _adopt(ctx: VmStepContext, vm_id: int) -> None:
    """Record the new VM's id; from now on "one operation per VM" applies to it too."""
    op = ctx.op
    op.vm_id = vm_id
    ctx.state.pop("pending", None)  # no longer in doubt
    claims.persist(ctx.lease, op, "vm_id", "step_log")
    try:
        with transaction.atomic():
            claims.persist(ctx.lease, op, target_key=f"vm:{vm_id}")
    except IntegrityError:
        pass  # someone already started something on the new VM; ours keeps its "new:" key


def _find_by_name(ctx: VmStepContext) -> VirtualMachine | None:
    op = ctx.op
    try:
        return ctx.client.vm(op.account, ctx.group_segment(), op.vm_name, include_deleted=True)
    except NotFound:
        return None


def create(ctx: VmStepContext) -> StepResult:
    op = ctx.op
    if op.vm_id is not None:
        return Done(f"created (id {op.vm_id})")
    if ctx.state.get("pending"):
        found = _find_by_name(ctx)
        if found is not None:
            _adopt(ctx, found.id)
            ctx.wipe_secrets()
            return Done(f"created (id {found.id})")
    values = ctx.secrets()
    spec = _spec(op.params, values)
    public = {k: v for k, v in op.params.items() if k != "group_id"}
    vm = ctx.write(
        Action.VM_CREATE,
        f"create {spec.name}",
        lambda: ctx.client.vm_create(op.account, ctx.group_segment(), spec),
        params={**public, "sealed_inputs": sorted(values)},
        secret_values=list(values.values()),
    )
    _adopt(ctx, vm.id)
    ctx.wipe_secrets()
    return Done(f"created (id {vm.id}); provisioning")


def wait_provisioned(ctx: VmStepContext) -> StepResult:
    vm = ctx.read()
    distribution = ctx.op.params.get("distribution")
    if ctx.args.get("power_on", True):
        if vm.power_on:
            return Done("running")
    elif not distribution or vm.last_imaged_with == distribution:
        return Done("built")
    timeout = float(ctx.args.get("timeout", conf.provision_wait()))
    deadline = ctx.deadline("deadline", timeout)
    remaining = deadline - ctx.now()
    if remaining < 0:
        raise StepFailed(f"{vm.name} was not ready within {timeout:g} s.")
    return ctx.poll("deadline", "provisioning")


def delete_created(ctx: VmStepContext) -> StepResult:
    """Undo a create: soft-delete what was built (BigV can undelete it for a while)."""
    op = ctx.op
    vm: VirtualMachine | None
    if op.vm_id is None:
        vm = _find_by_name(ctx)  # only when the POST itself is in doubt
        if vm is not None:
            _adopt(ctx, vm.id)
    else:
        try:
            vm = ctx.client.vm_by_id(op.vm_id, include_deleted=True)
        except NotFound:
            vm = None
    if vm is None or vm.deleted:
        return Done("nothing to delete", skipped=not ctx.acted)
    account, group, seg = ctx.path(vm)
    ctx.write(
        Action.VM_DELETE,
        "delete the new VM",
        lambda: ctx.client.vm_delete(account, group, seg),
        params={"purge": False},
    )
    return Done("deleted (BigV can undelete it for a while)")
