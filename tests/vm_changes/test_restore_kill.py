"""kill -9 of the worker at each step boundary of a restore (as tests/operations/test_kill.py
does for the other kinds): every trial ends in the original power state, the disc not left
mid-restore, and the backup restored exactly once or not at all.

Each boundary is an API request held at a simulator barrier while the worker (or only the
pool process holding the lease) is killed; the request is then released, so the brain
applies it for a client that no longer exists — the restore PUT included, the one write
whose repetition would take one more automatic backup.
"""

from __future__ import annotations

from typing import Any

import pytest

from panel.vm_changes.services import plan_restore
from tests.operations.helpers import plan_and_start, ref, sim_vm, vm_id_of
from tests.operations.test_kill import READ, SIGNAL, _cases, _trial, put
from tests.vm_changes.backup_helpers import backup_count, finished_backup, restoring

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery")]

ON, OFF = "web1", "db2"
RESTORE = ("PUT", r"/backups/\d+$")
# web1 (on, auto-reboot on): PUT auto-reboot off, POST powerdown, PUT restore, PUT power on,
# then reads; db2 (off): a read before anything, PUT restore, then reads (wait, verify).
BOUNDARIES = {
    "on": {
        "PUT auto-reboot off": [put(ON)],
        "POST ACPI powerdown": [put(ON), SIGNAL],
        "PUT restore": [put(ON), SIGNAL, RESTORE],
        "PUT power on": [put(ON), put(ON)],
    },
    "off": {
        "GET before any write": [READ],
        "PUT restore": [RESTORE],
        "GET after the restore": [RESTORE, READ],
    },
}


@pytest.mark.parametrize("mode", ["worker", "child"])
@pytest.mark.parametrize(("power", "boundary"), _cases(BOUNDARIES))
def test_kill_during_restore(
    worker: Any, alice: Any, sim: Any, power: str, boundary: str, mode: str
):
    name = ON if power == "on" else OFF
    vm_id = vm_id_of(sim, name)
    before = sim_vm(sim, vm_id)
    disc_id, backup_id = finished_backup(sim, name)
    count = backup_count(sim, disc_id)
    op = _trial(
        worker,
        sim,
        BOUNDARIES[power][boundary],
        mode,
        lambda: plan_and_start(
            alice,
            plan_restore,
            ref=ref(name),
            disc_id=disc_id,
            backup_id=backup_id,
            grace_seconds=5,
        ),
    )
    after = sim_vm(sim, vm_id)
    assert (after["power_on"], after["autoreboot_on"]) == (
        before["power_on"],
        before["autoreboot_on"],
    )
    assert not restoring(sim, disc_id)
    restored = backup_count(sim, disc_id) - count  # BigV's automatic backup, once per restore
    assert restored == (1 if op.status == "succeeded" else restored)
    assert restored in (0, 1), f"the restore was applied {restored} times"
