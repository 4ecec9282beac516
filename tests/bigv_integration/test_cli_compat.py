"""The official CLI's request sequences (docs/bigv-api.md §3.1, §8.1 create flow, §8.2 power
bodies, §11) replayed THROUGH ``panel.bigv`` wherever the client has an equivalent call,
checking the §14 compatibility requirements on the way. The raw-HTTP version of the same
sequence is tests/simulator/test_sim_bc_compat.py.

Not replayable through the client (it has no such calls): backups/backup schedules,
``ip_create``, ``POST /api_keys``, ``POST /users/{u}/privileges``, appliance boots, and BC's
``{}`` body for "remove CD" (the client refuses an empty update and clears the CD with
``null`` instead).
"""

from __future__ import annotations

import pytest

from panel.bigv import (
    AuthClient,
    BigVClient,
    DiscSpec,
    ImageInstall,
    NotFound,
    VirtualMachine,
    VirtualMachineSpec,
)
from tests.bigv_integration.conftest import PROVISION, REBOOT, Control, Sim

# The [OBS] vm_create body, as a spec (backup schedules aside: the client sends none).
OBSERVED = VirtualMachineSpec(
    name="newvm",
    cores=2,
    memory=2048,
    hardware_profile="virtio2013",
    zone_name="york",
    autoreboot_on=True,
    discs=(
        DiscSpec(size=51200, storage_grade="archive"),
        DiscSpec(size=10240, storage_grade="ssd"),
    ),
    reimage=ImageInstall(distribution="stretch", root_password="hunter2"),
    ips={"ipv4": "192.0.2.55", "ipv6": ""},
)
MINIMAL = VirtualMachineSpec(name="newvm2", discs=(DiscSpec(size=25600),))


class Cli:
    """One "invocation" = revalidate the stored token (GET /session/{token}), then work."""

    def __init__(self, sim: Sim) -> None:
        self.auth: AuthClient = sim.auth()
        # BC's login: POST /session with validity "1800", then GET /session/{token}.
        self.token = self.auth.create_session(
            username="demo", password="demo-password", validity=1800
        )
        self.brain: BigVClient = sim.client(self.token)

    def invocation(self) -> BigVClient:
        info = self.auth.session(self.token)
        assert info.username == "demo" and "password" in info.factors
        return self.brain

    def server(self, name: str, group: str = "default") -> VirtualMachine:
        # BC's "show server": always include_deleted=true&view=overview.
        return self.brain.vm("demo", group, name, overview=True, include_deleted=True)


def _wait_power_off(cli: Cli, ctl: Control, name: str) -> None:
    """BC polls every 5 s until power_on is false; here the clock advances instead."""
    for _ in range(20):
        if not cli.server(name).power_on:
            return
        ctl.advance(5)
    raise AssertionError(f"{name} never powered off")


def test_cli_sequence_through_the_client(bsim: Sim, ctl: Control) -> None:
    cli = Cli(bsim)
    brain = cli.invocation()

    # §14.7: GET /accounts is an array, the first one is the default account (no billing).
    accounts = brain.accounts(overview=True, include_deleted=True)
    assert accounts[0].name == "demo"
    # §14.1: every hostname has at least two dot-separated parts.
    for group in accounts[0].groups:
        for vm in group.virtual_machines:
            assert vm.hostname and len(vm.hostname.split(".")) >= 2
    brain.account("demo", overview=True, include_deleted=True)
    brain.group("demo", "default", overview=True, include_deleted=True)
    mail = cli.server("mail")
    assert mail.discs and mail.network_interfaces

    # §14.5: a deleted VM is returned by the CLI's single-VM GET, with deleted: true.
    assert cli.server("staging").deleted is True

    # ---- bytemark add server ----
    brain = cli.invocation()
    # §14.4: definitions without Authorization (checked by the CLI unless --force).
    assert "stretch" in bsim.client(None).definitions().distributions
    created = brain.vm_create("demo", "default", OBSERVED)
    assert created.name == "newvm"
    vm = cli.server("newvm")  # GET-able by name immediately after the 202
    assert vm.deleted is False and vm.network_interfaces[0].ips[0] == "192.0.2.55"
    assert [(d.label, d.storage_grade) for d in vm.discs] == [
        ("disc-1", "archive"),
        ("disc-2", "ssd"),
    ]
    brain.vm_create("demo", "default", MINIMAL)
    assert cli.server("newvm2").discs[0].size == 25600
    ctl.advance(PROVISION + 1)
    assert cli.server("newvm").power_on is True
    assert cli.server("newvm").last_imaged_with == "stretch"

    # ---- bytemark resize disc: read the disc, PUT the absolute size ----
    brain = cli.invocation()
    disc = brain.disc("demo", "default", "newvm", "disc-1")
    brain.disc_resize("demo", "default", "newvm", "disc-1", size=disc.size + 10240)
    assert cli.server("newvm").discs[0].size == 61440

    # ---- bytemark shutdown / start / restart ----
    brain = cli.invocation()
    brain.vm_update("demo", "default", "newvm", autoreboot_on=False)
    brain.vm_signal("demo", "default", "newvm", "powerdown")
    _wait_power_off(cli, ctl, "newvm")
    brain.vm_start("demo", "default", "newvm")
    assert cli.server("newvm").power_on is True
    # restart = shutdown steps, then start
    brain.vm_update("demo", "default", "newvm", autoreboot_on=False)
    brain.vm_signal("demo", "default", "newvm", "powerdown")
    _wait_power_off(cli, ctl, "newvm")
    brain.vm_start("demo", "default", "newvm")
    # lib RestartVirtualMachine, reset, stop
    brain.vm_restart("demo", "default", "newvm")
    assert cli.server("newvm").power_on is False
    ctl.advance(REBOOT + 1)
    assert cli.server("newvm").power_on is True
    brain.vm_signal("demo", "default", "newvm", "reset")
    brain.vm_stop("demo", "default", "newvm")
    assert cli.server("newvm").power_on is False

    # ---- bytemark update server (one PUT each, as BC sends them) ----
    brain = cli.invocation()
    group_id = cli.server("newvm").group_id
    assert group_id is not None
    brain.vm_update("demo", "default", "newvm", memory=4096)
    brain.vm_update("demo", "default", "newvm", cores=3)
    brain.vm_update(
        "demo", "default", "newvm", hardware_profile="virtio2018", hardware_profile_locked=True
    )
    brain.vm_update("demo", "default", "newvm", hardware_profile_locked=False)
    brain.vm_update("demo", "default", "newvm", cdrom_url="http://example.com/rescue.iso")
    brain.vm_update("demo", "default", "newvm", name="newvm", group_id=group_id)
    vm = cli.server("newvm")
    assert (vm.memory, vm.cores, vm.hardware_profile) == (4096, 3, "virtio2018")
    assert vm.hardware_profile_locked is False
    assert vm.cdrom_url == "http://example.com/rescue.iso"

    # ---- bytemark delete server / restore server ----
    brain = cli.invocation()
    assert cli.server("newvm").deleted is False  # the CLI GETs first
    brain.vm_delete("demo", "default", "newvm")
    assert cli.server("newvm").deleted is True
    brain.vm_undelete("demo", "default", "newvm")
    assert cli.server("newvm").deleted is False

    # ---- bytemark add disc: GET the server to pick the next label, then POST ----
    brain = cli.invocation()
    added = brain.disc_create("demo", "default", "newvm", size=20480, storage_grade="ssd")
    assert added.label == "disc-3"
    brain.disc_delete("demo", "default", "newvm", added.label)
    brain.vm_delete("demo", "default", "newvm", purge=True)
    with pytest.raises(NotFound):
        cli.server("newvm")

    # §14.5: a numeric VM name routes to /virtual_machines/{id}.
    brain = cli.invocation()
    assert brain.vm_by_id(mail.id, include_deleted=True).name == "mail"
    # §3.5: an API key is used as-is, no auth-service round trip.
    key = bsim.client("apikey.demo-key")
    assert key.accounts(overview=True, include_deleted=True)[0].name == "demo"

    # ---- bytemark add group / delete group / show privileges ----
    brain = cli.invocation()
    brain.group_create("demo", name="bcgroup")
    brain.group_delete("demo", "bcgroup")
    assert brain.privileges()[0].level == "account_admin"

    # §14.2/§14.3: every brain answer was a 2xx (the client decoded a JSON body wherever
    # BC does), except the one 404 this test asked for after the purge.
    failed = [
        (r["method"], r["path"], r["status"])
        for r in ctl.requests()
        if r["service"] == "brain" and r["status"] not in (200, 201, 202, 204)
    ]
    assert failed == [("GET", "/accounts/demo/groups/default/virtual_machines/newvm", 404)]


def test_names_with_spaces_and_plus_are_escaped(demo: BigVClient) -> None:
    """§4.2/§14.6: path segments are names; the client escapes them so that no name can step
    into another path (a ``/`` or ``+`` in a name never reaches the router unescaped)."""
    with pytest.raises(NotFound):
        demo.vm("demo", "web", "web1/discs")
    with pytest.raises(NotFound):
        demo.vm("demo", "web", "web 1")
    with pytest.raises(NotFound):
        demo.group("demo", "we+b")
    assert demo.group("demo", "web").name == "web"
