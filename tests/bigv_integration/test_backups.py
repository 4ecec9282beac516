"""Backups and backup schedules through ``BigVClient`` against the simulator, with faults
(docs/bigv-api.md §7.11, §9.1; the retry rule of §5.5: reads and deletes retried, the POSTs
and the restore PUT never)."""

from __future__ import annotations

import pytest

from panel.bigv import (
    BackupScheduleSpec,
    BadRequest,
    BigVClient,
    ClientConfig,
    DiscSpec,
    Forbidden,
    NotFound,
    ServerError,
    Unavailable,
    VirtualMachineSpec,
)
from tests.bigv_integration.conftest import SPEED, Control, Sim

QUICK = ClientConfig(retries=2, backoff_base=0.01, backoff_cap=0.02)
WEB2 = ("demo", "web", "web2", "disc-1")  # 25 GiB, running
DB2 = ("demo", "db", "db2", "disc-1")  # 50 GiB, powered off
BACKUP_25 = 0.4 * 25 / SPEED  # world seconds to take a backup of a 25 GiB disc


@pytest.fixture
def quick(bsim: Sim) -> BigVClient:
    return bsim.client(bsim.login("demo"), config=QUICK)


def test_take_list_and_delete(demo: BigVClient, ctl: Control) -> None:
    backup = demo.backup_create(*WEB2)
    assert backup.in_progress and backup.manual and backup.label == f"backup-{backup.id}"
    assert backup.taken_at is not None and backup.size == 25600
    ctl.advance(BACKUP_25 + 1)
    [listed] = demo.backups(*WEB2)
    assert listed.id == backup.id and not listed.in_progress
    disc = demo.disc("demo", "web", "web2", "disc-1")
    assert disc.backup_count == 1
    assert demo.vm("demo", "web", "web2").backup_count == 1
    demo.backup_delete(*WEB2, backup.label)
    assert demo.backups(*WEB2) == []
    with pytest.raises(NotFound):
        demo.backup_delete(*WEB2, backup.id)


def test_restore_refusals_are_bad_requests_by_attribute(demo: BigVClient, ctl: Control) -> None:
    running = demo.backup_create(*WEB2)
    ctl.advance(BACKUP_25 + 1)
    with pytest.raises(BadRequest) as exc:
        demo.backup_restore(*WEB2, running.id)
    assert exc.value.field_errors == {"power_on": ["must be false to restore a backup"]}
    fresh = demo.backup_create(*DB2)
    with pytest.raises(BadRequest) as exc:
        demo.backup_restore(*DB2, fresh.id)
    assert exc.value.field_errors == {"backup": ["is still being taken"]}
    ctl.advance(2 * BACKUP_25 + 1)
    demo.backup_restore(*DB2, fresh.id)
    disc = demo.disc("demo", "db", "db2", "disc-1")
    assert disc.restoring and disc.new_storage_grade == "ssd"
    assert [b.manual for b in demo.backups(*DB2)] == [True, False]  # the automatic one
    ctl.advance(2 * BACKUP_25 + 1)
    assert not demo.disc("demo", "db", "db2", "disc-1").restoring


def test_schedules(bsim: Sim, ctl: Control) -> None:
    demo = bsim.client("apikey.demo-key")  # a session would expire while days pass
    spec = BackupScheduleSpec(start_at="00:00", interval_seconds=86400, capacity=2)
    schedule = demo.backup_schedule_create(*WEB2, spec)
    assert schedule.words == "daily" and schedule.capacity == 2 and schedule.starts
    disc = demo.disc("demo", "web", "web2", "disc-1")
    assert [s.id for s in disc.backup_schedules] == [schedule.id]
    ctl.advance(5 * 86400)
    assert len(demo.backups(*WEB2)) == 2  # fired five times, kept two
    with pytest.raises(BadRequest) as exc:
        demo.backup_schedule_create(*WEB2, BackupScheduleSpec("00:00", 60))
    assert exc.value.field_errors == {"interval_seconds": ["must be greater than or equal to 3600"]}
    demo.backup_schedule_delete(*WEB2, schedule.id)
    with pytest.raises(NotFound):
        demo.backup_schedule_delete(*WEB2, schedule.id)


def test_vm_create_sends_backup_schedules(demo: BigVClient) -> None:
    weekly = BackupScheduleSpec(start_at="2026-11-27 00:00:00 UTC", interval_seconds=604800)
    spec = VirtualMachineSpec(
        name="scheduled",
        autoreboot_on=False,
        cdrom_url="https://example.com/install.iso",
        discs=(DiscSpec(size=25600, label="system", backup_schedules=(weekly,)),),
    )
    demo.vm_create("demo", "web", spec)
    [disc] = demo.vm("demo", "web", "scheduled").discs
    assert disc.label == "system" and disc.backup_schedules[0].interval_seconds == 604800


def test_privileges(bsim: Sim) -> None:
    viewer, other = bsim.user("viewer"), bsim.user("otheruser")
    web1 = ("demo", "web", "web1", "disc-1")
    assert len(viewer.backups(*web1)) == 1  # vm_console reads
    with pytest.raises(Forbidden):
        viewer.backup_create(*web1)
    with pytest.raises(NotFound):
        other.backups(*web1)


def test_reads_and_deletes_are_retried(quick: BigVClient, ctl: Control) -> None:
    fault = ctl.fault(method="GET", path="/backups$", action="status", status=503, times=1)
    since = ctl.last_seq()
    assert len(quick.backups("demo", "web", "web1", "disc-1")) == 1
    assert [r["status"] for r in ctl.requests(since)] == [503, 200]
    backup = quick.backups("demo", "web", "web1", "disc-1")[0]
    ctl.fault(method="DELETE", path="/backups/", action="drop", times=1)
    quick.backup_delete("demo", "web", "web1", "disc-1", backup.id)
    assert quick.backups("demo", "web", "web1", "disc-1") == []
    assert fault["id"]


def test_posts_and_the_restore_are_never_retried(quick: BigVClient, ctl: Control) -> None:
    ctl.fault(method="POST", path="/backups$", action="status", status=503, times=1)
    since = ctl.last_seq()
    with pytest.raises(Unavailable):
        quick.backup_create(*WEB2)
    assert len(ctl.requests(since)) == 1
    backup = quick.backup_create(*DB2)
    ctl.advance(10 * BACKUP_25)
    ctl.fault(method="PUT", path="/backups/", action="status", status=502, times=1)
    since = ctl.last_seq()
    with pytest.raises(ServerError):
        quick.backup_restore(*DB2, backup.id)
    assert len(ctl.requests(since)) == 1  # a restore may have been applied: not repeated
    ctl.fault(method="POST", path="/backup_schedules$", action="status", status=504, times=1)
    with pytest.raises(ServerError):
        quick.backup_schedule_create(*WEB2, BackupScheduleSpec("00:00", 86400))
    assert demo_schedules(quick) == []


def demo_schedules(client: BigVClient) -> list[int]:
    return [s.id for s in client.disc("demo", "web", "web2", "disc-1").backup_schedules]
