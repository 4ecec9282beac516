"""The create form's new options, run on a real worker: what the simulator's vm_create makes
of them (an ISO instead of an image, left powered off, a locked profile, disc labels and
backup schedules, a chosen address)."""

from __future__ import annotations

import pytest

from panel.bigv import BackupScheduleSpec, DiscSpec, VirtualMachineSpec
from panel.vm_changes.services import plan_create
from tests.operations.helpers import plan_and_start, sim_vm, wait_terminal
from tests.vms.helpers import vm_id_of

pytestmark = pytest.mark.xdist_group("celery")


def test_create_from_an_iso_left_off_with_labels_schedules_and_an_address(worker, alice, sim):
    weekly = BackupScheduleSpec("2030-01-01 00:00:00 UTC", 7 * 86400, 1)
    spec = VirtualMachineSpec(
        name="isobox",
        autoreboot_on=False,
        cdrom_url="https://example.com/netinst.iso",
        hardware_profile_locked=True,
        discs=(
            DiscSpec(size=25600, label="system", backup_schedules=(weekly,)),
            DiscSpec(size=10240, storage_grade="ssd", label="data"),
        ),
        ips={"ipv4": "192.0.2.233"},
    )
    op = plan_and_start(alice, plan_create, account="demo", group="web", spec=spec)
    op = wait_terminal(op)
    assert op.status == "succeeded", (op.error, op.step_log)
    vm = sim_vm(sim, vm_id_of(sim, "isobox"))
    assert vm["power_on"] is False and vm["hardware_profile_locked"] is True
    assert vm["cdrom_url"] == "https://example.com/netinst.iso" and vm["last_imaged_with"] is None
    with sim.world.lock:
        world = sim.world
        discs = world.vm_discs_of(world.vms[vm_id_of(sim, "isobox")])
        assert [(d.label, len(d.backup_schedules)) for d in discs] == [("system", 1), ("data", 0)]
        assert world.vm_nics_of(world.vms[vm_id_of(sim, "isobox")])[0].ips[0] == "192.0.2.233"
