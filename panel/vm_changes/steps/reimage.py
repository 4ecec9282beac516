"""Reimage: send the image with its secrets once, then wipe them.

The POST is not idempotent by itself, so the step remembers it: ``sent`` once the brain
accepted it. A crash while the POST was in flight leaves ``pending`` set; on resume a VM
that is running again has finished imaging (the plan powered it off with auto-reboot off,
and only a completed reimage boots it), otherwise the same image is sent again — the
result is the same VM either way. That second POST can race the first one finishing (read
while imaging, refused because the VM has booted since): a refusal of a resend is therefore
checked against a fresh read before it counts as a failure.
"""

from __future__ import annotations

from panel.audit import Action
from panel.bigv import BadRequest, ImageInstall, VirtualMachine

from .base import Done, StepResult, VmStepContext


def _imaged(vm: VirtualMachine, distribution: str) -> bool:
    # The plan left it off with auto-reboot off: only a finished reimage boots it.
    return vm.power_on and vm.last_imaged_with == distribution


def reimage(ctx: VmStepContext) -> StepResult:
    distribution = str(ctx.args["distribution"])
    if ctx.state.get("sent"):
        return Done(f"reimaging with {distribution}")
    in_doubt = bool(ctx.state.get("pending"))
    vm = ctx.read()
    if in_doubt and _imaged(vm, distribution):
        ctx.wipe_secrets()
        return Done(f"reimaged with {distribution}")
    values = ctx.secrets()
    image = ImageInstall(distribution=distribution, **values)
    account, group, seg = ctx.path(vm)
    try:
        ctx.write(
            Action.VM_REIMAGE,
            f"reimage with {distribution}",
            lambda: ctx.client.vm_reimage(account, group, seg, image),
            params={"distribution": distribution, "sealed_inputs": sorted(values)},
            secret_values=list(values.values()),
        )
    except BadRequest:
        if not (in_doubt and _imaged(ctx.read(), distribution)):
            raise
        ctx.wipe_secrets()
        return Done(f"reimaged with {distribution}")
    ctx.state["sent"] = True
    ctx.save()
    ctx.wipe_secrets()  # sent: never needed again
    return Done(f"reimaging with {distribution}")
