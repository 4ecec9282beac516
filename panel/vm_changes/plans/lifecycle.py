"""Plans for creating a VM and for power changes (graceful restart/shutdown, power on/off)."""

from __future__ import annotations

from typing import Any

from panel.bigv import BigVClient, NotFound, VirtualMachineSpec
from panel.bigv.backup_types import interval_words
from panel.vm_changes import conf
from panel.vm_changes.describe import memory_text
from panel.vm_changes.kinds import OperationKind
from panel.vms.refs import VmRef

from .backups import plan_backup_discs
from .base import (
    InvalidPlan,
    NothingToDo,
    Plan,
    PlanStep,
    check_grace,
    power_off_step,
    power_on_step,
    read_vm,
    subject,
    verify_step,
)
from .changes import plan_spec_change


def _create_params(spec: VirtualMachineSpec, group_id: int) -> dict[str, Any]:
    discs = [disc.to_json(i) for i, disc in enumerate(spec.discs, start=1)]
    return {
        "name": spec.name,
        "cores": spec.cores,
        "memory": spec.memory,
        "zone_name": spec.zone_name,
        "hardware_profile": spec.hardware_profile,
        "hardware_profile_locked": spec.hardware_profile_locked,
        "autoreboot_on": spec.autoreboot_on,
        "cdrom_url": spec.cdrom_url,
        "ips": dict(spec.ips) if spec.ips else None,
        "discs": discs,
        "distribution": spec.reimage.distribution if spec.reimage else None,
        "group_id": group_id,
    }


def _disc_text(disc: dict[str, Any]) -> str:
    schedules = disc.get("backup_schedules") or []
    backups = "no backups"
    if schedules:
        words = interval_words(int(schedules[0]["interval_seconds"]))
        backups = f"backups {words} from {schedules[0]['start_at']}"
    return f"{disc['label']} {disc['storage_grade']} {memory_text(disc['size'])} ({backups})"


def _create_label(params: dict[str, Any]) -> str:
    discs = ", ".join(_disc_text(d) for d in params["discs"])
    image = params["distribution"] or "no image"
    if params.get("cdrom_url"):
        image += f", CD-ROM {params['cdrom_url']}"
    extras = []
    if params.get("hardware_profile_locked"):
        extras.append("hardware profile locked")
    if params.get("ips"):
        extras.append("addresses " + ", ".join(v for v in params["ips"].values() if v))
    if not params.get("autoreboot_on", True):
        extras.append("left powered off")
    tail = f"; {', '.join(extras)}" if extras else ""
    return (
        f"create {params['name']}: {params['cores']} cores, {memory_text(params['memory'])}, "
        f"discs {discs}, {image}{tail}"
    )


# What a failed or cancelled create leaves: not "as it was" — a deleted VM that BigV keeps.
CREATE_PROMISE = (
    "If a step fails, or you cancel it, the new VM is deleted again; BigV keeps a deleted VM "
    "for a while (it can be undeleted, and its name stays taken until it is purged)."
)


def plan_create(*, client: BigVClient, account: str, group: str, spec: VirtualMachineSpec) -> Plan:
    """``vm_create`` then follow the background provisioning until the VM runs.

    The spec must carry no secrets: the root password, SSH key and first-boot script go to
    ``operation_start(secret_params=…)``, which encrypts them (a Plan is shown and logged).
    """
    image = spec.reimage
    if image is not None and (
        image.root_password or image.ssh_public_key or image.firstboot_script
    ):
        raise InvalidPlan("Pass the root password, SSH key and script as secret_params.")
    if not spec.discs:
        raise InvalidPlan("A new VM needs at least one disc.")
    target = client.group(account, group)
    try:
        client.vm(account, group, spec.name, include_deleted=True)
    except NotFound:
        pass
    else:
        raise InvalidPlan(f"There is already a VM called {spec.name} in {account}/{group}.")
    params = _create_params(spec, target.id)
    ref = VmRef(account=account, group=target.name, vm=spec.name)
    wait = conf.provision_wait()
    runs = bool(spec.autoreboot_on)
    expect: dict[str, Any] = {"power_on": runs, "cores": spec.cores, "memory": spec.memory}
    expect["discs"] = sorted([d["storage_grade"], d["size"]] for d in params["discs"])
    until = "until it runs" if runs else "until it is built"
    steps = (
        PlanStep("create", _create_label(params)),
        PlanStep(
            "wait_provisioned",
            f"wait for provisioning {until} (up to {wait:g} s)",
            {"timeout": wait, "power_on": runs},
        ),
        verify_step(expect),
    )
    original = {"exists": False, "name": spec.name, "account": account, "group": target.name}
    original["group_id"] = target.id
    text = f"{spec.name} does not exist yet in {account}/{target.name}"
    return Plan(OperationKind.CREATE, ref, steps, original, params, text, promise=CREATE_PROMISE)


def plan_graceful(
    *,
    client: BigVClient,
    ref: VmRef,
    restart: bool,
    grace_seconds: float = 60,
    hard_off: bool = True,
) -> Plan:
    """ACPI powerdown, wait up to the grace period, then (as the plan says) hard off."""
    grace_seconds = check_grace(grace_seconds)
    ref, original = read_vm(client, ref)
    if not original["power_on"]:
        raise NothingToDo(f"{ref.vm} is already powered off.")
    steps = [power_off_step(grace_seconds, hard_off)]
    if restart:
        steps.append(power_on_step(bool(original["autoreboot_on"]), "power on again"))
    steps.append(verify_step({"power_on": restart}))
    kind = OperationKind.GRACEFUL_RESTART if restart else OperationKind.GRACEFUL_SHUTDOWN
    params = {"grace_seconds": grace_seconds, "hard_off": hard_off}
    return Plan(kind, ref, tuple(steps), original, params, subject(ref, original))


def plan_power(*, client: BigVClient, ref: VmRef, on: bool) -> Plan:
    """Power on (auto-reboot on, as BC's start) or a hard power off (BC's stop)."""
    ref, original = read_vm(client, ref)
    if bool(original["power_on"]) == on:
        state = "running" if on else "powered off"
        raise NothingToDo(f"{ref.vm} is already {state}.")
    first = power_on_step(True) if on else power_off_step(0, True)
    steps = (first, verify_step({"power_on": on}))
    kind = OperationKind.POWER_ON if on else OperationKind.POWER_OFF
    return Plan(kind, ref, steps, original, {}, subject(ref, original))


def plan_for_batch(*, client: BigVClient, ref: VmRef, kind: str, params: dict[str, Any]) -> Plan:
    """The plan of one VM of a batch (the kinds in ``kinds.BATCH_KINDS``)."""
    grace = float(params.get("grace_seconds", 60))
    hard_off = bool(params.get("hard_off", True))
    if kind == OperationKind.SPEC_CHANGE:
        spec = {k: params.get(k) for k in ("cores", "memory", "hardware_profile")}
        spec["hardware_profile_locked"] = params.get("hardware_profile_locked")
        return plan_spec_change(
            client=client, ref=ref, grace_seconds=grace, hard_off=hard_off, **spec
        )
    if kind in (OperationKind.GRACEFUL_RESTART, OperationKind.GRACEFUL_SHUTDOWN):
        restart = kind == OperationKind.GRACEFUL_RESTART
        return plan_graceful(
            client=client, ref=ref, restart=restart, grace_seconds=grace, hard_off=hard_off
        )
    if kind in (OperationKind.POWER_ON, OperationKind.POWER_OFF):
        return plan_power(client=client, ref=ref, on=kind == OperationKind.POWER_ON)
    if kind == OperationKind.BACKUP_DISCS:
        return plan_backup_discs(client=client, ref=ref)
    raise InvalidPlan(f"{kind} cannot be applied to several VMs at once.")
