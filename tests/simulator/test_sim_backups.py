"""Disc backups and backup schedules over HTTP (docs/bigv-api.md §7.11, §9.1): taking,
listing, deleting, restoring, the rules and refusals, and schedules firing on the
simulator's clock with their capacity."""

from __future__ import annotations

from typing import Any

import pytest

from tests.simulator.helpers import Client, Control, vm_id, vm_path

DISC = vm_path("web", "web2", "/discs/disc-1")  # ssd, 25 GiB, running
DB2 = vm_path("db", "db2", "/discs/disc-1")  # db2 is powered off
DAY, WEEK = 86400, 7 * 86400


def _take(client: Client, disc: str = DISC) -> dict[str, Any]:
    resp = client.post(disc + "/backups")
    assert resp.status == 201, resp.text
    return resp.json()


def _labels(client: Client, disc: str = DISC) -> list[str]:
    resp = client.get(disc + "/backups")
    assert resp.status == 200, resp.text
    return [b["label"] for b in resp.json()]


def test_a_backup_is_a_snapshot_in_progress_until_it_reaches_iceberg(demo, ctl):
    backup = _take(demo)
    assert backup["label"] == f"backup-{backup['id']}"
    assert backup["size"] == 25600 and backup["manual"] is True
    assert backup["storage_grade"] == "ssd"  # taken on the disc's grade: in progress
    assert backup["parent_disc_id"] == demo.get(DISC).json()["id"]
    assert backup["created_at"].endswith("+00:00")
    ctl.advance(25 * 0.4 / 50 + 0.01)  # 0.4 s per GiB at speed 1, the tests run at 50
    listed = demo.get(DISC + "/backups").json()
    assert [(b["id"], b["storage_grade"]) for b in listed] == [(backup["id"], "iceberg")]
    one = demo.get(f"{DISC}/backups/{backup['label']}").json()
    assert one["id"] == backup["id"] and one["storage_pool"].endswith(
        ("iceberg1", "iceberg2", "iceberg3")
    )


def test_backup_count_on_the_disc_and_the_vm(demo, ctl):
    _take(demo)
    _take(demo)
    assert demo.get(DISC).json()["backup_count"] == 2
    vm = demo.get(vm_path("web", "web2")).json()
    assert vm["backup_count"] == 2
    assert [d["backup_count"] for d in vm["discs"]] == [2]


def test_time_is_proportional_to_size(demo, ctl, sim):
    big = vm_path("db", "db1", "/discs/disc-2")  # archive, 400 GiB
    small, large = _take(demo), _take(demo, big)
    ctl.advance(25 * 0.4 / 50 + 0.01)
    grades = {
        b["id"]: b["storage_grade"] for d in (DISC, big) for b in demo.get(d + "/backups").json()
    }
    assert grades == {small["id"]: "iceberg", large["id"]: "archive"}
    ctl.advance(400 * 0.4 / 50)
    assert demo.get(big + "/backups").json()[0]["storage_grade"] == "iceberg"


def test_delete_needs_purge_and_a_finished_backup(demo, ctl):
    backup = _take(demo)
    path = f"{DISC}/backups/{backup['id']}"
    assert demo.delete(path + "?purge=true").json() == {"backup": ["is still being taken"]}
    ctl.advance(1)
    assert demo.delete(path).status == 500  # like a disc: purge=true or 500
    assert demo.delete(path + "?purge=true").status == 204
    assert _labels(demo) == []
    assert demo.delete(path + "?purge=true").status == 404


def test_restore_needs_the_vm_off_then_backs_up_first_and_takes_time(demo, ctl, sim):
    backup = _take(demo, DB2)
    ctl.advance(1)
    path = f"{DB2}/backups/{backup['label']}"
    running = vm_path("web", "web2", "/discs/disc-1")
    other = _take(demo, running)
    ctl.advance(1)
    refused = demo.put(f"{running}/backups/{other['id']}", {"restore": True})
    assert (refused.status, refused.json()) == (
        400,
        {"power_on": ["must be false to restore a backup"]},
    )

    assert demo.put(path, {"restore": "yes"}).json() == {"restore": ["is not included in the list"]}
    assert demo.put(path, {}).status == 200  # PUT is PATCH: nothing asked, nothing done
    resp = demo.put(path, {"restore": True})
    assert resp.status == 200, resp.text
    disc = demo.get(DB2).json()
    assert disc["storage_grade"] == "iceberg" and disc["new_storage_grade"] == "ssd"
    listed = demo.get(DB2 + "/backups").json()
    assert len(listed) == 2 and listed[1]["manual"] is False  # the automatic backup first
    db2 = vm_path("db", "db2")
    on = demo.put(db2, {"power_on": True})
    assert on.status == 400 and "power_on" in on.json()
    again = demo.put(path, {"restore": True})
    assert again.json() == {"disc": ["is already being restored from a backup"]}
    ctl.advance(50 * 0.4 / 50 + 0.01)
    disc = demo.get(DB2).json()
    assert disc["storage_grade"] == "ssd" and "new_storage_grade" not in disc
    with sim.world.lock:
        assert sim.world.discs[disc["id"]].restoring_from is None
    assert demo.put(db2, {"power_on": True}).status == 200


def test_restore_refuses_a_backup_in_progress(demo):
    backup = _take(demo, DB2)
    resp = demo.put(f"{DB2}/backups/{backup['id']}", {"restore": True})
    assert resp.json() == {"backup": ["is still being taken"]}


def test_schedule_create_list_delete_and_errors(demo):
    resp = demo.post(
        DISC + "/backup_schedules", {"start_at": "00:00", "interval_seconds": DAY, "capacity": 0}
    )
    assert resp.status == 201, resp.text
    schedule = resp.json()
    assert schedule["interval_seconds"] == DAY and schedule["capacity"] == 1  # CLI's 0 → 1
    assert schedule["start_at"].endswith("+00:00")
    disc = demo.get(DISC).json()
    assert disc["backups_enabled"] is True
    assert [s["id"] for s in disc["backup_schedules"]] == [schedule["id"]]
    assert "next_at" not in disc["backup_schedules"][0]

    missing = demo.post(DISC + "/backup_schedules", {"start_at": "00:00"})
    assert missing.json() == {"interval_seconds": "Missing interval_seconds parameter"}
    bad = demo.post(
        DISC + "/backup_schedules",
        {"start_at": "tomorrow", "interval_seconds": -1, "capacity": "two"},
    ).json()
    assert bad == {
        "start_at": ["is invalid"],
        "interval_seconds": ["must be greater than or equal to 3600"],
        "capacity": ["is not a number"],
    }
    for start in ("2017-04-05T14:37:00+02:00", "2026-12-24 00:00:00 GMT", "2026-12-24 06:00:00"):
        ok = demo.post(DISC + "/backup_schedules", {"start_at": start, "interval_seconds": 3600})
        assert ok.status == 201, (start, ok.text)
    path = f"{DISC}/backup_schedules/{schedule['id']}"
    assert demo.delete(path).status == 204
    assert demo.delete(path).status == 404
    assert len(demo.get(DISC).json()["backup_schedules"]) == 3


def test_schedules_fire_on_the_clock_and_keep_their_capacity(demo_key, ctl, sim):
    demo = demo_key  # an API key: a session would expire as the clock jumps days
    now = ctl.get("/clock").json()["now"]
    start = _iso(now + 60)
    body = {"start_at": start, "interval_seconds": DAY, "capacity": 3}
    schedule = demo.post(DISC + "/backup_schedules", body).json()
    manual = _take(demo)
    assert len(_labels(demo)) == 1
    ctl.advance(61)
    listed = demo.get(DISC + "/backups").json()
    assert len(listed) == 2 and listed[1]["manual"] is False
    assert listed[1]["created_at"] == start
    ctl.advance(DAY)
    assert len(_labels(demo)) == 3
    ctl.advance(10 * DAY)  # ten more occurrences: only the newest three are kept
    listed = demo.get(DISC + "/backups").json()
    scheduled = [b for b in listed if not b["manual"]]
    assert [b["id"] for b in listed if b["manual"]] == [manual["id"]]  # never pruned
    assert len(scheduled) == 3
    assert all(b["storage_grade"] == "iceberg" for b in listed)
    times = sorted(b["created_at"] for b in scheduled)
    assert times[-1] == _iso(now + 60 + 11 * DAY)
    assert demo.get(DISC).json()["backup_count"] == 4
    demo.delete(f"{DISC}/backup_schedules/{schedule['id']}")
    ctl.advance(5 * DAY)
    assert len(_labels(demo)) == 4  # no schedule, no new backups


def test_vm_create_honours_backup_schedules(demo_key, ctl):
    demo = demo_key
    body = {
        "virtual_machine": {"name": "sched1", "cores": 1, "memory": 1024},
        "discs": [
            {
                "size": 25600,
                "backup_schedules": [
                    {"start_at": "00:00", "interval_seconds": WEEK, "capacity": 2}
                ],
            },
            {"size": 10240},
        ],
    }
    resp = demo.post("/accounts/demo/groups/web/vm_create", body)
    assert resp.status == 202, resp.text
    discs = demo.get(vm_path("web", "sched1")).json()["discs"]
    assert [len(d["backup_schedules"]) for d in discs] == [1, 0]
    assert discs[0]["backup_schedules"][0]["capacity"] == 2
    ctl.advance(WEEK + 1)
    assert len(_labels(demo, vm_path("web", "sched1", "/discs/disc-1"))) == 1

    body["virtual_machine"]["name"] = "sched2"
    body["discs"][0]["backup_schedules"] = [{"start_at": "00:00", "interval_seconds": -1}]
    refused = demo.post("/accounts/demo/groups/web/vm_create", body)
    assert refused.status == 400
    assert refused.json() == {
        "discs": [
            {"backup_schedules": ["interval_seconds must be greater than or equal to 3600"]},
            {},
        ]
    }


def test_vm_create_options_of_the_cli(demo, ctl, sim):
    """An ISO instead of an image, left off, a locked profile, labels and both addresses."""
    body = {
        "virtual_machine": {
            "name": "fromiso",
            "cdrom_url": "https://example.com/netinst.iso",
            "hardware_profile": "virtio2018",
            "hardware_profile_locked": True,
        },
        "discs": [{"label": "system", "size": 25600}, {"label": "data", "size": 10240}],
        "ips": {"ipv4": "192.0.2.201", "ipv6": "2001:db8::beef"},
    }
    assert demo.post("/accounts/demo/groups/web/vm_create", body).status == 202
    ctl.advance(60)
    vm = demo.get(vm_path("web", "fromiso")).json()
    assert vm["power_on"] is False  # no autoreboot_on: created powered off (--stopped)
    assert vm["cdrom_url"] == "https://example.com/netinst.iso" and vm["last_imaged_with"] is None
    assert vm["hardware_profile_locked"] is True
    assert [d["label"] for d in vm["discs"]] == ["system", "data"]
    assert vm["network_interfaces"][0]["ips"] == ["192.0.2.201", "2001:db8::beef"]
    body["virtual_machine"] = {
        "name": "fromiso2",
        "autoreboot_on": True,
        "cdrom_url": body["virtual_machine"]["cdrom_url"],
    }
    body["ips"] = {"ipv6": "2001:db8::beef"}
    assert demo.post("/accounts/demo/groups/web/vm_create", body).json() == {
        "ipv6": ["has already been taken"]
    }
    body.pop("ips")
    assert demo.post("/accounts/demo/groups/web/vm_create", body).status == 202
    ctl.advance(60)
    assert demo.get(vm_path("web", "fromiso2")).json()["power_on"] is True  # boots the ISO


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", "/backups", None),
        ("DELETE", "/backups/backup-1?purge=true", None),
        ("PUT", "/backups/backup-1", {"restore": True}),
        ("POST", "/backup_schedules", {"start_at": "00:00", "interval_seconds": 86400}),
        ("DELETE", "/backup_schedules/1", None),
    ],
)
def test_privileges_404_where_invisible_403_where_only_readable(
    sim, viewer, other, method, suffix, body
):
    disc = vm_path("web", "web1", "/discs/disc-1")
    with sim.world.lock:  # the seeded backup and schedule of web1's first disc
        d = sim.world.vm_discs_of(sim.world.vms[vm_id(sim, "web1")])[0]
        backup, schedule = d.backup_ids[0], d.backup_schedules[0]["id"]
    path = disc + suffix.replace("backup-1", str(backup)).replace(
        "schedules/1", f"schedules/{schedule}"
    )
    kwargs = {} if body is None else {"body": body}
    assert viewer.request(method, path, **kwargs).status == 403  # vm_console reads only
    assert other.request(method, path, **kwargs).status == 404
    assert viewer.get(disc + "/backups").status == 200
    assert other.get(disc + "/backups").status == 404


def test_deleted_vm_refuses_and_purge_takes_backups_along(demo, ctl, sim):
    _take(demo, DB2)
    demo.delete(vm_path("db", "db2"))
    refused = demo.post(DB2 + "/backups")
    assert refused.status == 400 and "deleted" in refused.json()
    demo.delete(vm_path("db", "db2") + "?purge=true")
    with sim.world.lock:
        assert all(b.disc_id in sim.world.discs for b in sim.world.backups.values())


def test_the_seed_shows_backups_and_a_weekly_schedule(demo):
    disc = demo.get(vm_path("web", "web1", "/discs/disc-1")).json()
    assert disc["backup_count"] == 1 and disc["backup_schedules"][0]["interval_seconds"] == WEEK
    assert (
        demo.get(vm_path("web", "web1", "/discs/disc-1/backups")).json()[0]["storage_grade"]
        == "iceberg"
    )


def test_state_file_keeps_backups_and_schedules(sim, demo, tmp_path):
    from panel.simulator import persist

    _take(demo)
    demo.post(DISC + "/backup_schedules", {"start_at": "00:00", "interval_seconds": DAY})
    persist.save(sim.world, tmp_path / "w.json")
    world = persist.load(tmp_path / "w.json")
    disc = next(d for d in world.discs.values() if d.id == demo.get(DISC).json()["id"])
    assert len(world.disc_backups_of(disc)) == 1 and len(disc.backup_schedules) == 1


def _iso(timestamp: float) -> str:
    from panel.simulator.schedules import iso

    return iso(timestamp)


def test_control_timings_include_backups(ctl: Control):
    info = ctl.get("").json()
    assert {"backup_seconds_per_gib", "restore_seconds_per_gib"} <= set(info["timings"])


def test_the_cli_backup_commands_exact_requests(sim, ctl):
    """``bytemark backup disc / show backups / schedule backups / unschedule backups /
    restore backup / delete backup``: the CLI's own bytes (BC lib/backup_calls.go,
    backup_schedule_calls.go), JSON headers on every call; each answer it decodes is JSON."""
    from tests.simulator.test_sim_bc_compat import BytemarkCli

    cli = BytemarkCli(sim)
    cli.login()
    disc = "/accounts/demo/groups/db/virtual_machines/db2/discs/disc-1"  # db2 is off
    backup = cli.call("POST", disc + "/backups")  # no body
    assert backup["label"] == f"backup-{backup['id']}"
    listed = cli.call("GET", disc + "/backups")
    assert [b["label"] for b in listed] == [backup["label"]]
    sched = cli.call(
        "POST",
        disc + "/backup_schedules",
        b'{"start_at":"00:00","interval_seconds":86400,"capacity":0}',
    )
    assert sched["interval_seconds"] == 86400 and sched["id"] > 0
    cli.call("DELETE", f"{disc}/backup_schedules/{sched['id']}", expect_json=False)
    ctl.advance(5)
    cli.call("PUT", f"{disc}/backups/{backup['label']}", b'{"restore":true}', expect_json=False)
    ctl.advance(5)
    cli.call("DELETE", f"{disc}/backups/{backup['label']}?purge=true", expect_json=False)
    assert [b["manual"] for b in cli.call("GET", disc + "/backups")] == [False]
