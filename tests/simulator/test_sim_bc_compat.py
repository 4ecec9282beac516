"""The exact request sequences of the official Go CLI (``bytemark`` v4.0; docs/bigv-api.md §3.1,
§8, §11 and §14, [OBS] bodies verbatim) must all succeed against the simulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.simulator.helpers import Client, Control, Resp

VM_CREATE_OBSERVED = (
    b'{"virtual_machine":{"autoreboot_on":true,"cores":2,"memory":2048,"name":"newvm",'
    b'"hardware_profile":"virtio2013","zone_name":"york"},"discs":[{"label":"disc-1",'
    b'"storage_grade":"archive","size":51200,"backup_schedules":[{'
    b'"start_at":"2026-11-27 00:00:00 UTC","interval_seconds":604800,"capacity":1}]},'
    b'{"label":"disc-2","storage_grade":"ssd","size":10240}],'
    b'"reimage":{"distribution":"stretch","firstboot_script":"","root_password":"hunter2",'
    b'"ssh_public_key":""},"ips":{"ipv4":"192.0.2.55","ipv6":""}}'
)
VM_CREATE_MINIMAL = (
    b'{"virtual_machine":{"cores":1,"memory":1024,"name":"newvm2"},'
    b'"discs":[{"label":"disc-1","storage_grade":"sata","size":25600}]}'
)


class BytemarkCli:
    """Requests shaped like BC's lib/request.go: JSON headers on every brain call, even GETs."""

    def __init__(self, sim: Any) -> None:
        self.brain = Client(sim.api_url)
        self.auth = Client(sim.auth_url)
        self.token = ""

    def _check(self, resp: Resp, expect_json: bool) -> Any:
        assert 200 <= resp.status < 300, (resp.status, resp.text)
        if expect_json:
            return json.loads(resp.body)  # BC fails on an empty body here
        return None

    def login(self) -> None:
        body = b'{"password":"demo-password","username":"demo","validity":"1800"}'
        headers = {"Content-Type": "application/json", "Accept": "text/plain"}
        resp = self.auth.post("/session", raw=body, headers=headers)
        self.token = self._check(resp, False) or resp.text
        info = self._check(
            self.auth.get(f"/session/{self.token}", headers={"Accept": "application/json"}), True
        )
        assert info["username"] == "demo" and "password" in info["factors"]

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        expect_json: bool = True,
        auth: bool = True,
    ) -> Any:
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": "bytemark-client-4.0",
        }
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        return self._check(self.brain.request(method, path, raw=body, headers=headers), expect_json)

    def revalidate(self) -> None:
        """Every CLI invocation re-checks the stored token first."""
        self._check(
            self.auth.get(f"/session/{self.token}", headers={"Accept": "application/json"}), True
        )

    def server(self, name: str) -> dict[str, Any]:
        return self.call(
            "GET",
            f"/accounts/demo/groups/default/virtual_machines/{name}?include_deleted=true&view=overview",
        )


@pytest.fixture
def cli(sim: Any) -> BytemarkCli:
    bc = BytemarkCli(sim)
    bc.login()
    return bc


def _wait_power_off(cli: BytemarkCli, ctl: Control, name: str) -> None:
    """BC polls every 5 s until power_on is false; the test advances the clock instead."""
    for _ in range(10):
        if not cli.server(name)["power_on"]:
            return
        ctl.advance(5)
    raise AssertionError(f"{name} never powered off")


def test_accounts_and_show_server(cli: BytemarkCli) -> None:
    cli.revalidate()
    accounts = cli.call("GET", "/accounts?view=overview&include_deleted=true")
    assert isinstance(accounts, list) and accounts[0]["name"] == "demo"
    cli.call("GET", "/accounts/demo?view=overview&include_deleted=true")
    cli.call("GET", "/accounts/demo/groups/default?view=overview&include_deleted=true")
    vm = cli.server("mail")
    assert len(vm["hostname"].split(".")) >= 2 and vm["discs"] and vm["network_interfaces"]


def test_full_server_lifecycle(cli: BytemarkCli, ctl: Control) -> None:
    definitions = cli.call("GET", "/definitions", auth=False)
    assert "stretch" in next(d["data"] for d in definitions if d["id"] == "distributions")
    created = cli.call("POST", "/accounts/demo/groups/default/vm_create", VM_CREATE_OBSERVED)
    assert created["virtual_machine"]["name"] == "newvm"
    vm = cli.server("newvm")  # immediately after the POST
    assert vm["deleted"] is False and vm["network_interfaces"][0]["ips"][0] == "192.0.2.55"
    cli.call("POST", "/accounts/demo/groups/default/vm_create", VM_CREATE_MINIMAL)
    assert cli.server("newvm2")["discs"][0]["size"] == 25600
    ctl.advance(60)
    assert cli.server("newvm")["power_on"] is True

    # resize disc: the CLI reads the disc, then PUTs the absolute size
    cli.call("GET", "/accounts/demo/groups/default/virtual_machines/newvm/discs/disc-1")
    cli.call(
        "PUT",
        "/accounts/demo/groups/default/virtual_machines/newvm/discs/disc-1",
        b'{"size":61440}',
        expect_json=False,
    )
    assert cli.server("newvm")["discs"][0]["size"] == 61440

    base = "/accounts/demo/groups/default/virtual_machines/newvm"
    # shutdown
    cli.call("PUT", base, b'{"autoreboot_on":false}', expect_json=False)
    cli.call("POST", base + "/signal", b'{"signal": "powerdown"}', expect_json=False)
    _wait_power_off(cli, ctl, "newvm")
    # start
    cli.call("PUT", base, b'{"autoreboot_on":true, "power_on": true}', expect_json=False)
    assert cli.server("newvm")["power_on"] is True
    # restart = shutdown steps, then start
    cli.call("PUT", base, b'{"autoreboot_on":false}', expect_json=False)
    cli.call("POST", base + "/signal", b'{"signal": "powerdown"}', expect_json=False)
    _wait_power_off(cli, ctl, "newvm")
    cli.call("PUT", base, b'{"autoreboot_on":true, "power_on": true}', expect_json=False)
    # lib RestartVirtualMachine and stop bodies
    cli.call("PUT", base, b'{"autoreboot_on":true, "power_on": false}', expect_json=False)
    ctl.advance(5)
    assert cli.server("newvm")["power_on"] is True
    cli.call("POST", base + "/signal", b'{"signal":"reset"}', expect_json=False)
    cli.call("PUT", base, b'{"autoreboot_on":false, "power_on": false}', expect_json=False)
    # update server: memory, cores, hardware profile, cdrom, rename/move (always with group_id)
    group_id = cli.server("newvm")["group_id"]
    for body in (
        b'{"memory": 4096}',
        b'{"cores": 3}',
        b'{"hardware_profile": "virtio2018", "hardware_profile_locked": true}',
        b'{"hardware_profile_locked": false}',
        b'{"cdrom_url":"http://example.com/rescue.iso"}',
        b"{}",
        b'{"name":"newvm","group_id":%d}' % group_id,
    ):
        cli.call("PUT", base, body, expect_json=False)
    # delete, then restore (the CLI GETs first and only restores a deleted server)
    cli.call("GET", base + "?include_deleted=true&view=overview")
    cli.call("DELETE", base, expect_json=False)
    assert cli.server("newvm")["deleted"] is True
    cli.call("PUT", base, b'{"deleted":false}', expect_json=False)
    assert cli.server("newvm")["deleted"] is False
    # add disc: GET the server to pick the next label, then POST
    labels = [d["label"] for d in cli.server("newvm")["discs"]]
    assert labels == ["disc-1", "disc-2"]
    disc = cli.call(
        "POST", base + "/discs", b'{"label":"disc-3","storage_grade":"ssd","size":20480}'
    )
    assert disc["label"] == "disc-3"
    # delete disc (non-nested, numeric id) and purge the server
    cli.call("DELETE", f"/discs/{disc['id']}?purge=true", expect_json=False)
    cli.call("DELETE", base + "?purge=true", expect_json=False)


def test_numeric_name_and_api_key(sim: Any, cli: BytemarkCli) -> None:
    vm_id = cli.server("mail")["id"]
    assert (
        cli.call("GET", f"/virtual_machines/{vm_id}?include_deleted=true&view=overview")["name"]
        == "mail"
    )
    key = BytemarkCli(sim)
    key.token = "apikey.demo-key"
    assert key.call("GET", "/accounts?view=overview&include_deleted=true")[0]["name"] == "demo"


def test_ip_create_and_groups_like_bc(cli: BytemarkCli) -> None:
    vm = cli.server("mail")
    nic = vm["network_interfaces"][0]["id"]
    body = b'{"addresses":1,"family":"ipv4","reason":"web server","contiguous":false}'
    reply = cli.call(
        "POST", f"/accounts/demo/groups/default/virtual_machines/mail/nics/{nic}/ip_create", body
    )
    assert len(reply["ips"]) == 1
    cli.call("POST", "/accounts/demo/groups", b'{"name":"bcgroup"}', expect_json=False)
    cli.call("DELETE", "/accounts/demo/groups/bcgroup", expect_json=False)
    cli.call("GET", "/privileges")
    cli.call("GET", "/api_keys?view=overview")
    cli.call("POST", "/api_keys", b'{"user_id":1,"expires_at":"2099-04-04T04:04:04Z","label":"bc"}')
