"""The simulator's serial console over real SSH (asyncssh as the client, as the panel uses it):
who gets in, and what the line shows as the VM boots, runs, shuts down and is off."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

from panel.simulator.server import SimulatorServer
from tests.simulator.helpers import SPEED, Client, login, vm_id, vm_path

# A console session reads until it sees what it waits for, or fails after this long.
WAIT = 10.0


@pytest.fixture(scope="module")
def console_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    folder = tmp_path_factory.mktemp("console")
    with SimulatorServer(
        port=0, speed=SPEED, console_port=0, console_known_hosts=folder / "known_hosts"
    ) as sim:
        assert sim.console is not None
        yield sim


@pytest.fixture
def sim(console_sim: SimulatorServer) -> SimulatorServer:
    console_sim.reset()
    return console_sim


@pytest.fixture
def key(sim: SimulatorServer) -> asyncssh.SSHKey:
    """A key in the BigV users viewer's and demo's ``authorized_keys`` (after others)."""
    key = asyncssh.generate_private_key("ssh-ed25519", comment="console-test")
    line = key.export_public_key().decode().strip()
    with sim.world.lock:
        for name in ("viewer", "demo", "webadmin"):
            user = sim.world.user_named(name)
            assert user is not None
            user.authorized_keys = "\n".join(filter(None, [user.authorized_keys, line]))
    return key


def address(sim: SimulatorServer, name: str) -> str:
    with sim.world.lock:
        return sim.world.vms[vm_id(sim, name)].management_address


class Line:
    """One SSH connection to a VM's console, read until a text appears after what the
    previous wait found (so waits follow the output in order)."""

    def __init__(self, process: asyncssh.SSHClientProcess[str]) -> None:
        self.process = process
        self.seen = ""
        self.mark = 0

    async def until(self, text: str, timeout: float = WAIT) -> str:
        async def read() -> int:
            while (found := self.seen.find(text, self.mark)) < 0:
                chunk = await self.process.stdout.read(4096)
                if not chunk:
                    raise EOFError(f"closed before {text!r}; saw {self.seen!r}")
                self.seen += chunk
            return found

        found = await asyncio.wait_for(read(), timeout)
        self.mark = found + len(text)
        return self.seen

    async def quiet_for(self, seconds: float) -> str:
        """What arrives within ``seconds`` (for "nothing happens": the only bounded wait)."""
        try:
            while True:
                self.seen += await asyncio.wait_for(self.process.stdout.read(4096), seconds)
        except TimeoutError:
            return self.seen

    def type(self, text: str) -> None:
        self.process.stdin.write(text)


async def connect(
    sim: SimulatorServer, login_name: str, key: asyncssh.SSHKey
) -> tuple[asyncssh.SSHClientConnection, Line]:
    assert sim.console is not None and sim.console_known_hosts is not None
    conn = await asyncssh.connect(
        "127.0.0.1",
        sim.console.port,
        username=login_name,
        client_keys=[key],
        known_hosts=str(sim.console_known_hosts),
        config=None,
        agent_path=None,
    )
    process = await conn.create_process(term_type="xterm-256color", term_size=(100, 30))
    return conn, Line(process)


def run(scenario) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(scenario)


def test_the_right_key_and_level_get_the_login_prompt_and_a_tiny_shell(sim, key) -> None:
    async def scenario() -> None:
        conn, line = await connect(sim, f"viewer+{address(sim, 'web1')}", key)
        async with conn:
            await line.until("web1 login: ")
            line.type("root\r")
            await line.until("Password: ")
            line.type("not-echoed\r")
            await line.until("root@web1:~# ")
            assert "not-echoed" not in line.seen
            for command, answer in [
                ("hostname", "\r\nweb1\r\n"),
                ("whoami", "\r\nroot\r\n"),
                ("echo hello  there", "\r\nhello there\r\n"),
                ("uname -r", "\r\n6.1.0-28-amd64\r\n"),
                ("uptime", " up "),
                ("ls /", "bin  boot  dev"),
                ("frobnicate", "-bash: frobnicate: command not found"),
            ]:
                line.type(command + "\r")
                await line.until(answer)
            line.type("exit\r")
            await line.until("logout\r\n")
            await line.until("ttyS0\r\n\r\nweb1 login: ")

    run(scenario())


def test_everyone_on_the_line_sees_the_same_output(sim, key) -> None:
    async def scenario() -> None:
        login_name = f"demo+{address(sim, 'web2')}"
        first, one = await connect(sim, login_name, key)
        second, two = await connect(sim, login_name, key)
        async with first, second:
            await one.until("web2 login: ")
            await two.until("web2 login: ")
            one.type("alice\r")
            await two.until("alice\r\nPassword: ")

    run(scenario())


@pytest.mark.parametrize(
    ("login_name", "why"),
    [
        ("viewer+{web2}", "vm_console on web1 only"),
        ("webadmin+{db1}", "group_admin on web, nothing on db"),
        ("otheruser+{web1}", "no key in authorized_keys, no privilege"),
        ("nobody+{web1}", "no such BigV user"),
        ("viewer+172.31.255.254", "no VM has that management address"),
        ("viewer", "no management address in the login"),
    ],
)
def test_no_privilege_or_no_vm_is_refused_like_a_wrong_key(sim, key, login_name, why) -> None:
    places = {vm: address(sim, vm) for vm in ("web1", "web2", "db1")}
    name = login_name.format(**places)

    async def scenario() -> None:
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(sim, name, key)

    run(scenario())


def test_a_key_that_is_not_in_authorized_keys_is_refused(sim, key) -> None:
    stranger = asyncssh.generate_private_key("ssh-ed25519")

    async def scenario() -> None:
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(sim, f"viewer+{address(sim, 'web1')}", stranger)

    run(scenario())


def test_a_privilege_that_needs_a_yubikey_does_not_open_the_console(sim, key) -> None:
    with sim.world.lock:
        for privilege in sim.world.privileges.values():
            if privilege.user_id == sim.world.user_named("viewer").id:  # type: ignore[union-attr]
                privilege.yubikey_required = True

    async def scenario() -> None:
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(sim, f"viewer+{address(sim, 'web1')}", key)

    run(scenario())


def test_a_vm_that_is_off_is_silent_until_it_boots(sim, key) -> None:
    demo = Client(sim.api_url, login(sim, "demo", "demo-password"))

    async def scenario() -> None:
        conn, line = await connect(sim, f"demo+{address(sim, 'db2')}", key)
        async with conn:
            line.type("root\r")
            assert await line.quiet_for(0.5) == ""
            answer = demo.put(vm_path("db", "db2"), {"power_on": True, "autoreboot_on": True})
            assert answer.status == 200, answer.text
            await line.until("Linux version 4.9.0-19-amd64")
            await line.until("Reached target Multi-User System.")
            await line.until("Debian GNU/Linux 9 db2 ttyS0\r\n\r\ndb2 login: ")

    run(scenario())


def test_an_acpi_power_down_shuts_down_then_the_reboot_boots_again(sim, key) -> None:
    demo = Client(sim.api_url, login(sim, "demo", "demo-password"))

    async def scenario() -> None:
        conn, line = await connect(sim, f"demo+{address(sim, 'web2')}", key)
        async with conn:
            await line.until("web2 login: ")
            answer = demo.post(vm_path("web", "web2", "/signal"), {"signal": "powerdown"})
            assert answer.status == 200, answer.text
            await line.until("Stopped target Multi-User System.")
            # The console's own clock completes the shutdown and the auto-reboot on time.
            await line.until("reboot: Power down\r\n")
            await line.until("Linux version 6.1.0-28-amd64")
            await line.until("web2 login: ")

    run(scenario())


def test_ctrl_alt_delete_reboots_the_guest(sim, key) -> None:
    demo = Client(sim.api_url, login(sim, "demo", "demo-password"))

    async def scenario() -> None:
        conn, line = await connect(sim, f"demo+{address(sim, 'web3')}", key)
        async with conn:
            await line.until("web3 login: ")
            keys = {"signal": "sendkey", "data": "ctrl-alt-delete"}
            answer = demo.post(vm_path("web", "web3", "/signal"), keys)
            assert answer.status == 200, answer.text
            await line.until("reboot: Restarting system")
            await line.until("Linux version 4.19.0-27-amd64")
            await line.until("Debian GNU/Linux 10 web3 ttyS0")

    run(scenario())


def test_a_purged_vm_hangs_up(sim, key) -> None:
    demo = Client(sim.api_url, login(sim, "demo", "demo-password"))

    async def scenario() -> None:
        conn, line = await connect(sim, f"demo+{address(sim, 'web3')}", key)
        async with conn:
            await line.until("web3 login: ")
            assert demo.delete(vm_path("web", "web3") + "?purge=true").status == 204
            await asyncio.wait_for(line.process.wait_closed(), WAIT)

    run(scenario())


def test_the_simulator_starts_without_its_console_and_says_why(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        script = (
            "from panel.simulator.server import SimulatorServer\n"
            f"sim = SimulatorServer(port=0, console_port={port}).start()\n"
            "import urllib.request\n"
            "print(urllib.request.urlopen(sim.api_url + '/definitions').status, sim.console)\n"
            "sim.stop()\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "200 None"
    assert "simulator: serial console not started:" in result.stderr
