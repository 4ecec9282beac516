"""Reimage: send the image with its secrets once, then wipe them.

The POST is not idempotent by itself, so the step remembers it: ``sent`` once the brain
accepted it. A crash while the POST was in flight leaves ``pending`` set; on resume a VM
that is running again has finished imaging (the plan powered it off with auto-reboot off,
and only a completed reimage boots it), otherwise the same image is sent again — the
result is the same VM either way.
"""

from __future__ import annotations

from panel.audit import Action
from panel.bigv import ImageInstall

from .base import Done, StepContext, StepResult


def reimage(ctx: StepContext) -> StepResult:
    distribution = str(ctx.args["distribution"])
    if ctx.state.get("sent"):
        return Done(f"reimaging with {distribution}")
    vm = ctx.read()
    if ctx.state.get("pending") and vm.power_on:
        ctx.wipe_secrets()
        return Done(f"reimaged with {distribution}")
    values = ctx.secrets()
    image = ImageInstall(distribution=distribution, **values)
    account, group, seg = ctx.path(vm)
    ctx.write(
        Action.VM_REIMAGE,
        f"reimage with {distribution}",
        lambda: ctx.client.vm_reimage(account, group, seg, image),
        params={"distribution": distribution, "sealed_inputs": sorted(values)},
        secret_values=list(values.values()),
    )
    ctx.state["sent"] = True
    ctx.save()
    ctx.wipe_secrets()  # sent: never needed again
    return Done(f"reimaging with {distribution}")
