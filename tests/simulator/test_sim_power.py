"""Power, the running-VM rule, signals and reimage (docs/bigv-api.md §8.2-§8.5, §11).

Durations are divided by the speed (50 here); tests advance the world clock instead of
sleeping, so every transition is deterministic.
"""

from __future__ import annotations

from tests.simulator.helpers import Client, Control, vm_id, vm_path

START = {"autoreboot_on": True, "power_on": True}
STOP = {"autoreboot_on": False, "power_on": False}
RESTART = {"autoreboot_on": True, "power_on": False}


def test_increases_on_a_running_vm_stay_pending_until_power_cycle(
    demo: Client, ctl: Control, sim
) -> None:
    path, web1 = vm_path("web", "web1"), vm_id(sim, "web1")
    resp = demo.put(path, {"cores": 4, "memory": 4096})
    assert resp.status == 200 and resp.json()["cores"] == 4 and resp.json()["memory"] == 4096
    pending = ctl.vm(web1)["pending"]
    assert pending == {
        "cores": {"running": 2, "configured": 4},
        "memory": {"running": 2048, "configured": 4096},
    }
    # A reset reboots in the same process: still pending.
    assert demo.post(path + "/signal", {"signal": "reset"}).json() == {"signal": "reset"}
    assert ctl.vm(web1)["pending"] == pending
    demo.put(path, STOP)
    demo.put(path, START)
    assert ctl.vm(web1)["pending"] == {}
    assert ctl.vm(web1)["running"] == {"cores": 4, "memory": 4096, "hardware_profile": "virtio2013"}


def test_decreases_profile_changes_and_moves_are_refused_while_running(demo: Client, sim) -> None:
    path = vm_path("web", "web1")
    resp = demo.put(path, {"cores": 1, "memory": 1024, "hardware_profile": "virtio2018"})
    assert resp.status == 400
    assert resp.json() == {
        "cores": ["cannot be reduced while the virtual machine is powered on"],
        "memory": ["cannot be reduced while the virtual machine is powered on"],
        "hardware_profile": ["cannot be changed while the virtual machine is powered on"],
    }
    # Refused even when the same body also powers the VM off: power down first.
    assert demo.put(path, {"memory": 1024, "power_on": False}).status == 400
    assert demo.get(path).json()["power_on"] is True
    # Always-accepted attributes while running.
    ok = demo.put(
        path, {"hardware_profile_locked": True, "name": "web1", "keymap": "fr", "cdrom_url": None}
    )
    assert ok.status == 200
    demo.put(path, STOP)
    off = demo.put(path, {"cores": 1, "memory": 1024, "hardware_profile": "virtio2018"})
    assert off.status == 200 and off.json()["hardware_profile"] == "virtio2018"


def test_start_stop_and_restart_bodies(demo: Client, ctl: Control, sim) -> None:
    path = vm_path("db", "db2")
    started = demo.put(path, START).json()
    assert started["power_on"] is True and started["autoreboot_on"] is True and started["head"]
    stopped = demo.put(path, STOP).json()
    assert stopped["power_on"] is False and stopped["head"] is None
    demo.put(path, START)
    # Restart: power_on false with autoreboot_on true -> the brain powers it back on.
    assert demo.put(path, RESTART).json()["power_on"] is False
    ctl.advance(1)
    assert demo.get(path).json()["power_on"] is True


def test_restart_applies_pending_changes(demo: Client, ctl: Control, sim) -> None:
    path = vm_path("web", "web2")
    demo.put(path, {"memory": 8192})
    demo.put(path, RESTART)
    ctl.advance(1)
    state = ctl.vm(vm_id(sim, "web2"))
    assert (
        state["power_on"] is True and state["pending"] == {} and state["running"]["memory"] == 8192
    )


def test_stop_body_during_a_reboot_wins(demo: Client, ctl: Control) -> None:
    path = vm_path("web", "web2")
    demo.put(path, RESTART)
    demo.put(path, STOP)
    ctl.advance(5)
    assert demo.get(path).json()["power_on"] is False


def test_powerdown_takes_time(demo: Client, ctl: Control, sim) -> None:
    path = vm_path("web", "web3")
    demo.put(path, {"autoreboot_on": False})
    assert demo.post(path + "/signal", {"signal": "powerdown"}).json() == {"signal": "powerdown"}
    state = ctl.vm(vm_id(sim, "web3"))
    assert state["activity"] == "shutting_down" and state["power_on"] is True
    assert 0 < state["activity_due_in"] <= 4.0 / 50
    assert demo.get(path).json()["power_on"] is True
    ctl.advance(0.05)
    assert demo.get(path).json()["power_on"] is True
    ctl.advance(0.05)
    assert demo.get(path).json()["power_on"] is False


def test_powerdown_is_ignored_by_an_acpi_deaf_os(demo: Client, ctl: Control, sim) -> None:
    path, web3 = vm_path("web", "web3"), vm_id(sim, "web3")
    ctl.patch_vm(web3, ignore_acpi=True)
    demo.put(path, {"autoreboot_on": False})
    assert demo.post(path + "/signal", {"signal": "powerdown"}).status == 200
    ctl.advance(250)  # (a session token would expire past 300 s of idleness)
    assert demo.get(path).json()["power_on"] is True
    # The panel's fallback: a hard power-off always works.
    assert demo.put(path, STOP).json()["power_on"] is False


def test_powerdown_with_autoreboot_comes_back_with_pending_changes(
    demo: Client, ctl: Control, sim
) -> None:
    path = vm_path("web", "web1")
    demo.put(path, {"cores": 6})
    demo.post(path + "/signal", {"signal": "powerdown"})
    ctl.advance(4.0 / 50 + 0.001)
    assert demo.get(path).json()["power_on"] is False  # off, about to be started again
    ctl.advance(1)
    state = ctl.vm(vm_id(sim, "web1"))
    assert state["power_on"] is True and state["running"]["cores"] == 6 and state["pending"] == {}


def test_one_big_clock_step_plays_the_whole_chain(demo_key: Client, ctl: Control) -> None:
    path = vm_path("web", "web1")
    demo_key.post(path + "/signal", {"signal": "powerdown"})
    ctl.advance(3600)
    assert demo_key.get(path).json()["power_on"] is True


def test_reset_cancels_a_shutdown_in_progress(demo: Client, ctl: Control) -> None:
    path = vm_path("web", "web3")
    demo.put(path, {"autoreboot_on": False})
    demo.post(path + "/signal", {"signal": "powerdown"})
    demo.post(path + "/signal", {"signal": "reset"})
    ctl.advance(60)
    assert demo.get(path).json()["power_on"] is True


def test_signal_only_on_a_running_vm(demo: Client) -> None:
    resp = demo.post(vm_path("db", "db2", "/signal"), {"signal": "powerdown"})
    assert resp.status == 400
    assert resp.json() == {"signal": ["cannot be sent while the virtual machine is powered off"]}


def test_signal_values_and_sendkey(demo: Client) -> None:
    path = vm_path("web", "web1", "/signal")
    assert demo.post(path, {"signal": "explode"}).json() == {
        "signal": ["is not included in the list"]
    }
    assert demo.post(path, {}).status == 400
    ok = demo.post(path, {"signal": "sendkey", "data": "ctrl-alt-delete"})
    assert ok.json() == {"signal": "sendkey", "data": "ctrl-alt-delete"}
    assert demo.post(path, {"signal": "sendkey", "data": "ctrl-alt-del"}).status == 200  # alias
    assert demo.post(path, {"signal": "sendkey", "data": "ctrl-alt-banana"}).json() == {
        "data": ["is invalid"]
    }
    assert demo.post(path, {"signal": "sendkey"}).json() == {"data": ["is invalid"]}
    # [DOCS] also shows the signal in the query string.
    assert demo.post(path + "?signal=reset").json() == {"signal": "reset"}


def test_reimage_only_when_powered_off(demo: Client) -> None:
    resp = demo.post(
        vm_path("web", "web1", "/reimage"), {"distribution": "bookworm", "root_password": "x"}
    )
    assert resp.status == 400 and resp.json() == {"power_on": ["must be false to reimage"]}


def test_reimage_runs_in_the_background(demo: Client, ctl: Control, sim) -> None:
    path = vm_path("db", "db2")
    body = {
        "distribution": "bookworm",
        "root_password": "s3cret-pw",
        "ssh_public_key": "ssh-rsa AAA me",
        "firstboot_script": "",
    }
    resp = demo.post(path + "/reimage", body)
    assert resp.status == 200 and resp.json() == {"distribution": "bookworm"}
    assert "s3cret-pw" not in resp.text and "ssh-rsa" not in resp.text
    assert demo.put(path, START).json() == {
        "power_on": ["cannot be changed while the virtual machine is being imaged"]
    }
    assert demo.get(path).json()["power_on"] is False
    ctl.advance(6.0 / 50 + 0.001)
    vm = demo.get(path).json()
    assert (
        vm["power_on"] is True
        and vm["autoreboot_on"] is False
        and vm["last_imaged_with"] == "bookworm"
    )
    assert "s3cret-pw" not in ctl.get(f"/vms/{vm_id(sim, 'db2')}").text


def test_reimage_validation(demo: Client) -> None:
    path = vm_path("db", "db2", "/reimage")
    assert demo.post(path, {"distribution": "windows95"}).json() == {
        "distribution": ["is not included in the list"]
    }
    assert demo.post(path, {}).json() == {"distribution": ["is not included in the list"]}
    demo.post("/accounts/demo/groups/db/virtual_machines", {"name": "empty"})
    no_disc = demo.post(vm_path("db", "empty", "/reimage"), {"distribution": "stretch"})
    assert no_disc.status == 400 and "discs" in no_disc.json()["distribution"][0]
