"""Power steps: graceful/hard power off, power on, wait for a boot, restore a power state.

A graceful power off is the CLI's own sequence (docs/bigv-api.md §8.2): auto-reboot off first
(else the brain powers the VM straight back on), ACPI powerdown, then poll until it is off.
The grace deadline is stored in the step log; after it, the plan said either "then hard
off" (PUT power_on false) or "fail" — never a sleep in the worker.
"""

from __future__ import annotations

from panel.audit import Action
from panel.bigv import BadRequest
from panel.vm_changes import conf

from .base import Done, StepFailed, StepResult, VmStepContext, Wait


def _after_shutdown(ctx: VmStepContext) -> str:
    """What a cancel leads to once the guest is off: the original power state comes back."""
    if ctx.was("power_on"):
        return "once it is off it will be powered on again"
    return "it stays powered off, as it was"


def turn_off(ctx: VmStepContext, *, grace: float, hard_off: bool) -> StepResult:
    vm = ctx.read()
    state = ctx.state
    if not vm.power_on:
        return Done("powered off" if ctx.acted else "already powered off", skipped=not ctx.acted)
    account, group, seg = ctx.path(vm)
    if vm.autoreboot_on:
        ctx.write(
            Action.VM_AUTOREBOOT,
            "auto-reboot off",
            lambda: ctx.client.vm_update(account, group, seg, autoreboot_on=False),
            params={"autoreboot_on": False},
        )
    if grace > 0 and not state.get("hard_sent"):
        deadline = ctx.deadline("grace_deadline", grace)
        if not state.get("signalled"):
            try:
                ctx.write(
                    Action.VM_POWERDOWN,
                    "ACPI powerdown",
                    lambda: ctx.client.vm_signal(account, group, seg, "powerdown"),
                    params={"signal": "powerdown"},
                )
            except BadRequest:
                if not ctx.read().power_on:  # it went off on its own meanwhile
                    return Done("powered off")
                raise
            state["signalled"] = True
            ctx.save()
        ctx.cannot_recall(
            "The guest is already shutting down, and an ACPI shutdown cannot be recalled: "
            f"{_after_shutdown(ctx)}. If it ignores the shutdown, it is left running."
        )
        if ctx.now() < deadline:
            return ctx.poll("grace_deadline", "waiting for the ACPI shutdown", countdown=True)
        if ctx.cancelling():
            # Cancelled, and the guest ignored the shutdown: it is still running, which is
            # what the person now wants. Powering it off hard would undo nothing.
            return Done("still running: the OS ignored the shutdown (cancelled)")
        if not hard_off:
            raise StepFailed(f"{vm.name} did not shut down within {grace:g} s (ACPI ignored).")
    off_deadline = ctx.deadline("off_deadline", conf.power_off_wait())
    if not state.get("hard_sent"):
        vm = ctx.write(
            Action.VM_POWER_OFF,
            "hard power off",
            lambda: ctx.client.vm_stop(account, group, seg),
            params={"power_on": False, "autoreboot_on": False},
        )
        state["hard_sent"] = True
        ctx.save()
        if not vm.power_on:
            tail = " after the grace period" if grace > 0 else ""
            return Done(f"hard powered off{tail}")
    if ctx.now() > off_deadline:
        raise StepFailed(f"{vm.name} did not power off within {conf.power_off_wait():g} s.")
    return ctx.poll("off_deadline", "waiting for the power off", countdown=True)


def turn_on(ctx: VmStepContext, *, autoreboot_on: bool) -> StepResult:
    vm = ctx.read()
    state = ctx.state
    account, group, seg = ctx.path(vm)
    if vm.power_on:
        if vm.autoreboot_on != autoreboot_on:
            ctx.write(
                Action.VM_AUTOREBOOT,
                f"auto-reboot {'on' if autoreboot_on else 'off'}",
                lambda: ctx.client.vm_update(account, group, seg, autoreboot_on=autoreboot_on),
                params={"autoreboot_on": autoreboot_on},
            )
        return Done("running" if ctx.acted else "already running", skipped=not ctx.acted)
    deadline = ctx.deadline("boot_deadline", conf.boot_wait())
    if not state.get("sent"):
        body = {"power_on": True, "autoreboot_on": autoreboot_on}
        vm = ctx.write(
            Action.VM_POWER_ON,
            "power on",
            lambda: ctx.client.vm_update(account, group, seg, **body),
            params=body,
        )
        state["sent"] = True
        ctx.save()
        if vm.power_on:
            return Done("powered on")
    ctx.cannot_recall(
        "It is already powering on, which cannot be recalled: once it is running it is put back."
    )
    if ctx.now() > deadline:
        raise StepFailed(f"{vm.name} did not power on within {conf.boot_wait():g} s.")
    return ctx.poll("boot_deadline", "waiting for it to power on", countdown=True)


# --- the steps -------------------------------------------------------------------------


def power_off(ctx: VmStepContext) -> StepResult:
    grace = float(ctx.args.get("grace", 0))
    return turn_off(ctx, grace=grace, hard_off=bool(ctx.args.get("hard_off", True)))


def power_on(ctx: VmStepContext) -> StepResult:
    return turn_on(ctx, autoreboot_on=bool(ctx.args.get("autoreboot_on", True)))


def wait_boot(ctx: VmStepContext) -> StepResult:
    """After a reimage the brain boots the VM itself; wait for it, up to a deadline."""
    vm = ctx.read()
    if vm.power_on:
        return Done("booted")
    timeout = float(ctx.args.get("timeout", conf.boot_wait()))
    deadline = ctx.deadline("boot_deadline", timeout)
    if ctx.now() > deadline:
        raise StepFailed(f"{vm.name} did not boot within {timeout:g} s.")
    return ctx.poll("boot_deadline", "waiting for it to boot", countdown=True)


def power_off_if_changed(ctx: VmStepContext) -> StepResult:
    """Undo: power off only if a value to restore differs (decreases and moves need it)."""
    restore = dict(ctx.args.get("restore", {}))
    if not ctx.state.get("needed"):
        vm = ctx.read()
        if not vm.power_on or all(getattr(vm, k) == v for k, v in restore.items()):
            return Done("not needed", skipped=True)
        ctx.state["needed"] = True
        ctx.save()
    return turn_off(ctx, grace=float(ctx.args.get("grace", 0)), hard_off=True)


def restore_power(ctx: VmStepContext) -> StepResult:
    """Undo: the original power state and auto-reboot setting."""
    autoreboot_on = bool(ctx.args.get("autoreboot_on"))
    if ctx.args.get("power_on"):
        return turn_on(ctx, autoreboot_on=autoreboot_on)
    result = turn_off(ctx, grace=float(ctx.args.get("grace", 0)), hard_off=True)
    if isinstance(result, Wait):
        return result
    vm = ctx.read()
    if vm.autoreboot_on != autoreboot_on:
        account, group, seg = ctx.path(vm)
        ctx.write(
            Action.VM_AUTOREBOOT,
            "restore auto-reboot",
            lambda: ctx.client.vm_update(account, group, seg, autoreboot_on=autoreboot_on),
            params={"autoreboot_on": autoreboot_on},
        )
    return Done("powered off", skipped=not ctx.acted)
