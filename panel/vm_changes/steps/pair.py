"""Steps of the changes that write to two VMs: swapping their addresses, moving a disc.

The operation targets the first VM (the *subject*); the second (the *partner*, held by the
operation: ``panel.operations.holds``) is named in ``params["partner"]``. A step's
``args["vm"]`` says which one it acts on, so the ordinary power steps work on either:
``PairStepContext.read`` and ``path`` answer for that VM, and its writes are audited
against it.

The change steps are check-then-act towards an end state, which makes the same function the
forward step and its undo: "the addresses are the partner's" or "they are the subject's
own again"; "the disc is on the partner" or "on the subject again".
"""

from __future__ import annotations

from typing import Any

from panel.audit import Action, Target
from panel.bigv import NotFound, VirtualMachine
from panel.vm_changes.kinds import OperationKind

from .base import Done, StepFailed, StepResult, VmStepContext
from .power import turn_off

SUBJECT, PARTNER = "subject", "partner"


class PairStepContext(VmStepContext):
    """A VM step context for one of the operation's two VMs (``args["vm"]``)."""

    @property
    def which(self) -> str:
        return str(self.args.get("vm", SUBJECT))

    def party(self, which: str | None = None) -> dict[str, Any]:
        """``{"id", "name", "account", "group"}`` of the subject or the partner."""
        if (which or self.which) == PARTNER:
            return dict(self.op.params["partner"])
        op = self.op
        return {"id": op.vm_id, "name": op.vm_name, "account": op.account, "group": op.group}

    def read(self, which: str | None = None) -> VirtualMachine:
        party = self.party(which)
        try:
            vm = self.client.vm_by_id(int(party["id"]), include_deleted=True)
        except NotFound as error:
            raise StepFailed(f"{party['name']} no longer exists (or is not visible).") from error
        if vm.deleted:
            raise StepFailed(f"{party['name']} has been deleted.")
        return vm

    def path(self, vm: VirtualMachine) -> tuple[str, str, str]:
        """Where to write to ``vm``: its account, its group and itself, by id."""
        account = self.party(SUBJECT if vm.id == self.op.vm_id else PARTNER)["account"]
        return str(account), str(vm.group_id), str(vm.id)

    def was(self, key: str) -> Any:
        """This step's VM before the first write (the partner's is in ``original["holds"]``)."""
        if self.which == PARTNER:
            return dict((self.op.original.get("holds") or [{}])[0]).get(key)
        return super().was(key)

    def write_target(self) -> Target:
        party = self.party()
        return Target.vm(party["id"], party["name"], party["account"], party["group"])


def primary(vm: VirtualMachine) -> list[str]:
    """The VM's primary addresses (first NIC: IPv4 then IPv6), as the swap moves them."""
    return list(vm.network_interfaces[0].ips) if vm.network_interfaces else []


def extra(vm: VirtualMachine) -> list[str]:
    return sorted(vm.network_interfaces[0].extra_ips) if vm.network_interfaces else []


# --- the change, towards an end state ------------------------------------------------------


def _already(ctx: PairStepContext, note: str) -> str:
    """Why nothing was sent: this run did it, a run that was lost after sending it did
    (its request reached BigV), or it was so from the start."""
    if ctx.acted:
        return note
    if ctx.state.get("pending"):
        return f"{note}: the request of a run that was lost reached BigV"
    return f"{note} already"


def _swap_towards(ctx: PairStepContext, subject_ips: list[str], *, undo: bool) -> StepResult:
    """Swap unless the subject already has ``subject_ips``; one POST swaps both ways."""
    ips = ctx.op.params["ips"]
    vm = ctx.read(SUBJECT)
    now = primary(vm)
    if now == subject_ips:
        return Done(_already(ctx, "addresses as wanted"), skipped=not ctx.acted)
    other = ips[SUBJECT] if subject_ips == ips[PARTNER] else ips[PARTNER]
    if now != other:
        raise StepFailed(f"{vm.name} now has {', '.join(now)}: someone else changed its addresses.")
    partner = ctx.read(PARTNER)
    move = bool(ctx.op.params.get("move_additional"))
    ctx.write(
        Action.IP_SWAP,
        "swap addresses back" if undo else "swap addresses",
        lambda: ctx.client.ips_swap(vm.id, partner.id, move_additional=move),
        params={"with": partner.name, "move_additional": move},
        before={"ips": now},
    )
    after = primary(ctx.read(SUBJECT))
    if after != subject_ips:
        raise StepFailed(f"BigV accepted the swap but {vm.name} reports {', '.join(after)}.")
    return Done(f"{vm.name} has {', '.join(after)}")


def _disc_towards(ctx: PairStepContext, to: str, *, undo: bool) -> StepResult:
    """Move the disc onto ``to`` (subject or partner) unless it is there already."""
    disc_id = int(ctx.op.params["disc_id"])
    label = ctx.op.params.get("disc_label", disc_id)
    source = SUBJECT if to == PARTNER else PARTNER
    there, here = ctx.read(to), ctx.read(source)
    if any(disc.id == disc_id for disc in there.discs):
        return Done(_already(ctx, f"disc {label} is on {there.name}"), skipped=not ctx.acted)
    disc = next((d for d in here.discs if d.id == disc_id), None)
    if disc is None:
        raise StepFailed(f"Disc {label} is on neither {here.name} nor {there.name} any more.")
    account, group, seg = ctx.path(here)
    ctx.write(
        Action.DISC_MOVE,
        f"move disc {label} {'back ' if undo else ''}to {there.name}",
        lambda: ctx.client.disc_move(account, group, seg, disc.id, to_vm_id=there.id),
        params={"disc": disc.label, "to": there.name, "to_id": there.id},
        before={"virtual_machine_id": here.id},
    )
    if not any(d.id == disc_id for d in ctx.read(to).discs):
        raise StepFailed(f"BigV accepted the move but disc {label} is not on {there.name}.")
    return Done(f"moved disc {label} to {there.name}")


def changed(ctx: PairStepContext) -> bool:
    """Is the operation's change in effect now (so putting it back means undoing it)?"""
    params = ctx.op.params
    if ctx.op.kind == OperationKind.IP_SWAP:
        return primary(ctx.read(SUBJECT)) != params["ips"][SUBJECT]
    return any(d.id == int(params["disc_id"]) for d in ctx.read(PARTNER).discs)


# --- the steps -------------------------------------------------------------------------------


def swap_ips(ctx: PairStepContext) -> StepResult:
    return _swap_towards(ctx, ctx.op.params["ips"][PARTNER], undo=False)


def undo_swap_ips(ctx: PairStepContext) -> StepResult:
    return _swap_towards(ctx, ctx.op.params["ips"][SUBJECT], undo=True)


def move_disc(ctx: PairStepContext) -> StepResult:
    return _disc_towards(ctx, PARTNER, undo=False)


def undo_move_disc(ctx: PairStepContext) -> StepResult:
    return _disc_towards(ctx, SUBJECT, undo=True)


def off_if_changed(ctx: PairStepContext) -> StepResult:
    """Undo: power the VM off only if the change must be undone and it runs (BigV swaps
    addresses and moves discs only between VMs that are off)."""
    if not ctx.state.get("needed"):
        if not ctx.read().power_on or not changed(ctx):
            return Done("not needed", skipped=True)
        ctx.state["needed"] = True
        ctx.save()
    return turn_off(ctx, grace=float(ctx.args.get("grace", 0)), hard_off=True)


def _facts(ctx: PairStepContext, vm: VirtualMachine, key: str) -> Any:
    if key == "ips":
        return primary(vm)
    if key == "extra":
        return extra(vm)
    if key == "has_disc":
        return any(d.id == int(ctx.op.params["disc_id"]) for d in vm.discs)
    return getattr(vm, key)


def verify_pair(ctx: PairStepContext) -> StepResult:
    """Both VMs as the plan (or the undo) promised, as BigV reports them."""
    expect: dict[str, dict[str, Any]] = dict(ctx.args.get("expect", {}))
    wrong: list[str] = []
    shown: list[str] = []
    for which, wanted in expect.items():
        vm = ctx.read(which)
        for key, value in wanted.items():
            actual = _facts(ctx, vm, key)
            if actual != value:
                what = key.replace("_", " ")
                wrong.append(f"{vm.name}: {what} is {actual!r}, expected {value!r}")
        shown.append(f"{vm.name} {'running' if vm.power_on else 'powered off'}")
    if wrong:
        raise StepFailed("BigV reports: " + "; ".join(wrong) + ".")
    return Done("BigV reports " + ", ".join(shown))
