"""Booting into the rescue appliance and back (docs/bigv-api.md §8.8, §13 C70).

The CLI's ``restart server --rescue``: auto-reboot off, ACPI powerdown, poll until off, then
one PUT that powers the VM on into the appliance. Raw HTTP only; the clock is advanced,
never slept on.
"""

from __future__ import annotations

from tests.simulator.helpers import Client, Control, vm_id, vm_path

RESCUE = {"name": "rescue", "permanent": False}
# BC:lib/requests/brain/start_vm_with_appliance.go, byte for byte in meaning.
CLI_BODY = {"autoreboot_on": True, "power_on": True, "appliance": RESCUE}
STOP = {"autoreboot_on": False, "power_on": False}
RESTART = {"autoreboot_on": True, "power_on": False}
ON = "cannot be chosen while the virtual machine is powered on"


def test_the_cli_sequence_boots_into_rescue(demo: Client, ctl: Control) -> None:
    path = vm_path("web", "web1")
    assert demo.get(path).json()["appliance"] is None  # running from its discs
    assert demo.put(path, {"autoreboot_on": False}).status == 200
    assert demo.post(path + "/signal", {"signal": "powerdown"}).status == 200
    ctl.advance(4)  # the ACPI shutdown completes
    assert demo.get(path + "?include_deleted=true&view=overview").json()["power_on"] is False
    booted = demo.put(path, CLI_BODY)
    assert booted.status == 200
    assert (booted.json()["power_on"], booted.json()["appliance"]) == (True, RESCUE)
    assert demo.get(path).json()["appliance"] == RESCUE
    # Lists and overviews say it too.
    listed = demo.get("/accounts/demo/groups/web/virtual_machines").json()
    assert next(v for v in listed if v["name"] == "web1")["appliance"] == RESCUE


def test_back_from_rescue_by_any_power_cycle(demo: Client, ctl: Control) -> None:
    path = vm_path("db", "db2")  # seeded powered off
    assert demo.put(path, CLI_BODY).json()["appliance"] == RESCUE
    # A reset reboots in the same host process: still in the appliance.
    assert demo.post(path + "/signal", {"signal": "reset"}).status == 200
    assert demo.get(path).json()["appliance"] == RESCUE
    # A hard restart: off, and the brain brings it back from its discs.
    assert demo.put(path, RESTART).json()["appliance"] is None
    ctl.advance(1)
    back = demo.get(path).json()
    assert (back["power_on"], back["appliance"]) == (True, None)
    # An ACPI shutdown with auto-reboot on comes back from the discs too.
    demo.put(path, {"autoreboot_on": False, "power_on": False})
    demo.put(path, CLI_BODY)
    demo.post(path + "/signal", {"signal": "powerdown"})
    ctl.advance(5)
    assert (demo.get(path).json()["power_on"], demo.get(path).json()["appliance"]) == (True, None)


def test_refusals_name_the_appliance(demo: Client) -> None:
    running, off = vm_path("web", "web1"), vm_path("db", "db2")
    cases = [
        (running, CLI_BODY, {"appliance": [ON]}),
        (
            off,
            {"appliance": RESCUE},
            {"appliance": ["is used only by a request that also powers the virtual machine on"]},
        ),
        (
            off,
            {**CLI_BODY, "appliance": {"name": "memtest"}},
            {"appliance": ["is not included in the list"]},
        ),
        (off, {**CLI_BODY, "appliance": "rescue"}, {"appliance": ["is invalid"]}),
        (
            off,
            {**CLI_BODY, "appliance": {"name": "rescue", "permanent": "no"}},
            {"appliance": ["is invalid"]},
        ),
    ]
    for path, body, errors in cases:
        resp = demo.put(path, body)
        assert (resp.status, resp.json()) == (400, errors), body
    # Nothing changed: db2 is still off, web1 still runs from its discs.
    assert demo.get(off).json()["power_on"] is False
    assert demo.get(running).json()["appliance"] is None


def test_asking_again_for_the_running_appliance_changes_nothing(demo: Client) -> None:
    path = vm_path("db", "db2")
    first = demo.put(path, CLI_BODY).json()
    again = demo.put(path, CLI_BODY)  # a client's retry of the same PUT
    assert again.status == 200 and again.json()["appliance"] == RESCUE
    assert again.json()["head"] == first["head"]


def test_a_permanent_appliance_stays_until_cleared(demo: Client, ctl: Control) -> None:
    path = vm_path("db", "db2")
    permanent = {"name": "rescue", "permanent": True}
    demo.put(path, {**CLI_BODY, "appliance": permanent})
    demo.put(path, RESTART)
    ctl.advance(1)
    assert demo.get(path).json()["appliance"] == permanent
    assert demo.put(path, {"appliance": None}).status == 200  # allowed while it runs
    assert demo.get(path).json()["appliance"] == permanent  # until the next boot
    demo.put(path, RESTART)
    ctl.advance(1)
    assert demo.get(path).json()["appliance"] is None


def test_privileges_and_deleted_vms(viewer: Client, demo: Client, sim, ctl: Control) -> None:
    web1 = vm_path("web", "web1")
    demo.put(web1, STOP)
    assert viewer.put(web1, CLI_BODY).status == 403
    assert viewer.get(web1).json()["appliance"] is None
    staging = vm_path("default", "staging")
    refused = demo.put(staging, CLI_BODY)
    assert refused.status == 400 and "deleted" in refused.json()
    # The control API shows the same state, and a direct power-off there ends it too.
    demo.put(web1, CLI_BODY)
    assert ctl.vm(vm_id(sim, "web1"))["appliance"] == RESCUE
    ctl.patch_vm(vm_id(sim, "web1"), power_on=False)
    assert demo.get(web1).json()["appliance"] is None


def test_a_rescue_boot_survives_a_restart_of_the_simulator(tmp_path) -> None:
    from panel.simulator.server import SimulatorServer
    from tests.simulator.helpers import login

    state = tmp_path / "state.json"
    with SimulatorServer(port=0, speed=50, state_file=state) as sim:
        token = login(sim, "demo", "demo-password")
        Client(sim.api_url, token).put(vm_path("db", "db2"), CLI_BODY)
    with SimulatorServer(port=0, speed=50, state_file=state) as again:
        api = Client(again.api_url, token)
        assert api.get(vm_path("db", "db2")).json()["appliance"] == RESCUE
        # Still one boot only: a hard restart comes back from the discs.
        api.put(vm_path("db", "db2"), RESTART)
        Control(again.control_url).advance(1)
        assert api.get(vm_path("db", "db2")).json()["appliance"] is None
