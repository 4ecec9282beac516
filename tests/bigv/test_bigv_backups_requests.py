"""The backup calls: the exact request each sends (the CLI's, docs/bigv-api.md §7.11), the
type it returns, and which of them are retried (§13, C57)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import responses
from bigv_helpers import API

from panel.bigv import (
    Backup,
    BackupSchedule,
    BackupScheduleSpec,
    BigVClient,
    ClientConfig,
    Disc,
    ServerError,
)

DISC = "/accounts/acme/groups/default/virtual_machines/web1/discs/disc-1"
BACKUP = {
    "id": 506,
    "label": "philtesting-backup-20161122134250",
    "manual": True,
    "parent_disc_id": 503,
    "size": 50,
    "storage_grade": "sata",
    "storage_pool": "t5-sata1",
    "type": "application/vnd.bigv.disc",
    "virtual_machine_id": 9,
}  # the CLI's own fixture (lib/backup_calls_test.go)
SCHEDULE = {"start_date": "2017-02-06T11:29:35+00:00", "interval_seconds": 3540, "id": 9}
Call = Callable[[BigVClient], Any]

CASES: list[tuple[str, Call, str, str, Any, Any, int, Callable[[Any], bool]]] = [
    ("backups", lambda c: c.backups("acme", "default", "web1", "disc-1"), "GET",
     DISC + "/backups", None, [BACKUP, {**BACKUP, "id": 509, "storage_grade": "iceberg"}], 200,
     lambda r: [(b.id, b.in_progress) for b in r] == [(506, True), (509, False)]),
    ("backup_create", lambda c: c.backup_create("acme", "default", "web1", "disc-1"), "POST",
     DISC + "/backups", None, BACKUP, 201,
     lambda r: isinstance(r, Backup) and r.manual and r.parent_disc_id == 503),
    ("backup_delete", lambda c: c.backup_delete("acme", "default", "web1", "disc-1", 506),
     "DELETE", DISC + "/backups/506?purge=true", None, None, 204, lambda r: r is None),
    ("backup_restore", lambda c: c.backup_restore("acme", "default", "web1", "disc-1",
     "backup-506"), "PUT", DISC + "/backups/backup-506", {"restore": True}, BACKUP, 200,
     lambda r: r is None),
    ("backup_schedule_create", lambda c: c.backup_schedule_create("acme", "default", "web1",
     "disc-1", BackupScheduleSpec("00:00", 3306, 0)), "POST", DISC + "/backup_schedules",
     {"start_at": "00:00", "interval_seconds": 3306, "capacity": 0}, SCHEDULE, 201,
     lambda r: r == BackupSchedule(id=9, interval_seconds=3540, start_at=SCHEDULE["start_date"])),
    ("backup_schedule_delete", lambda c: c.backup_schedule_delete("acme", "default", "web1",
     "disc-1", 9), "DELETE", DISC + "/backup_schedules/9", None, None, 204, lambda r: r is None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "method", "path", "body", "reply", "status", "check"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_request_sent_and_result(
    client: BigVClient,
    rsps: responses.RequestsMock,
    call: Call,
    method: str,
    path: str,
    body: Any,
    reply: Any,
    status: int,
    check: Callable[[Any], bool],
) -> None:
    kwargs: dict[str, Any] = {"status": status}
    if reply is not None:
        kwargs["json"] = reply
    rsps.add(method, API + path.split("?")[0], **kwargs)
    result = call(client)
    assert check(result), result
    assert len(rsps.calls) == 1
    request = rsps.calls[0].request
    url = urlsplit(request.url)
    sent = url.path + (f"?{url.query}" if url.query else "")
    assert (request.method, sent) == (method, path)
    assert (json.loads(request.body) if request.body else None) == body


def test_the_restore_is_not_retried_but_a_delete_is(rsps: responses.RequestsMock) -> None:
    config = ClientConfig(retries=2, backoff_base=0.001, backoff_cap=0.002)
    rsps.add("PUT", API + DISC + "/backups/5", status=502)
    rsps.add("DELETE", API + DISC + "/backups/5", status=503)
    rsps.add("DELETE", API + DISC + "/backups/5", status=204)
    with BigVClient(api_url=API, token="t0ken-abcdefgh", config=config) as client:
        with pytest.raises(ServerError):
            client.backup_restore("acme", "default", "web1", "disc-1", 5)
        client.backup_delete("acme", "default", "web1", "disc-1", 5)
    assert [call.request.method for call in rsps.calls] == ["PUT", "DELETE", "DELETE"]


def test_a_disc_reads_its_schedules_and_restore_state() -> None:
    disc = Disc.from_json(
        {
            "id": 1,
            "label": "disc-1",
            "size": 25600,
            "storage_grade": "iceberg",
            "new_storage_grade": "sata",
            "backup_count": 2,
            "backup_schedules": [
                {"id": 3, "start_at": "2026-12-04T00:00:00+00:00", "interval_seconds": 604800}
            ],
        }
    )
    assert disc.restoring and disc.backup_count == 2
    [schedule] = disc.backup_schedules
    assert schedule.words == "weekly" and schedule.starts is not None
    assert [BackupSchedule(1, n).words for n in (86400, 172800, 3600, 7200, 90)] == [
        "daily",
        "every 2 days",
        "hourly",
        "every 2 hours",
        "every 90 seconds",
    ]
