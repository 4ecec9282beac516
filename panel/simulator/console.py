"""The serial console over SSH, as BigV serves it at each VM's management address.

BigV's console is ``ssh <bigv-user>@<management_address>``: the user authenticates with a key
from their ``authorized_keys`` (docs/bigv-api.md §6.7) and needs vm_console or a higher level
on the VM (§10). The simulator listens on one loopback port for every VM, so the management
address travels in the login name instead of the destination: ``<bigv-user>+<address>``
(§13, C80). Authentication checks the key against the user's ``authorized_keys`` and the
user's own privileges on that VM (not an API key's, not one needing a YubiKey, C81); a wrong
key, an unknown user or address and too low a level are all the same refusal, as for a 404
(§5.2). After that the line (``serial.py``) behaves like the VM's serial port.

This is the only module of the simulator that needs a library (asyncssh); ``server.py``
imports it only when a console is asked for, and starts without it when that fails. It runs
its own event loop in a thread. Power changes reach it through ``power.observers``; while
anyone is connected it also completes due transitions itself every 0.2 s (``power.tick``),
so a reboot's boot lines appear on time even when no HTTP request comes in.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from pathlib import Path
from typing import Any

import asyncssh

from panel.simulator import power
from panel.simulator.model import VirtualMachine
from panel.simulator.rules import Access, Principal
from panel.simulator.serial import Facts, SerialLine
from panel.simulator.world import World

TICK_SECONDS = 0.2


class ConsoleServer:
    """``ConsoleServer(world, port=0).start()``; ``port`` is the bound one afterwards."""

    def __init__(
        self,
        world: World,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        host_key_file: str | Path | None = None,
        known_hosts_file: str | Path | None = None,
    ) -> None:
        self.world = world
        self.host = host
        self.port = port
        self.host_key_file = Path(host_key_file) if host_key_file else None
        self.known_hosts_file = Path(known_hosts_file) if known_hosts_file else None
        self.host_key: asyncssh.SSHKey | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._lines: dict[int, SerialLine] = {}
        self._line_vms: dict[int, VirtualMachine] = {}  # the VM object each line belongs to
        self._booted_at: dict[int, float] = {}
        self._listeners: dict[int, set[asyncssh.SSHServerProcess[str]]] = {}

    # ---- lifecycle --------------------------------------------------------------------
    def start(self) -> ConsoleServer:
        """Listen, or raise why not (the caller reports it and carries on without)."""
        self._thread = threading.Thread(target=self._run, name="bigv-sim-console", daemon=True)
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError("the console did not start within 15 s")
        if self._error is not None:
            raise self._error
        power.observers.append(self._observe)
        return self

    def stop(self) -> None:
        if self._observe in power.observers:
            power.observers.remove(self._observe)
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self._close_all)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def known_hosts_line(self) -> str:
        """The OpenSSH known_hosts line a client needs to trust this console."""
        assert self.host_key is not None
        where = self.host if self.port == 22 else f"[{self.host}]:{self.port}"
        return f"{where} {self.host_key.export_public_key().decode().strip()}"

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self._acceptor = loop.run_until_complete(self._listen())
        except BaseException as exc:  # a port in use, an unreadable key: said by start()
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        ticker = loop.create_task(self._tick())
        try:
            loop.run_forever()
        finally:
            ticker.cancel()
            loop.run_until_complete(asyncio.gather(ticker, return_exceptions=True))
            loop.close()

    async def _listen(self) -> asyncssh.SSHAcceptor:
        self.host_key = self._load_host_key()
        acceptor = await asyncssh.create_server(
            lambda: _Server(self),
            self.host,
            self.port,
            server_host_keys=[self.host_key],
            process_factory=self._session,
            line_editor=False,  # a serial line: the guest echoes, not the SSH server
            encoding="utf-8",
            errors="replace",
            allow_scp=False,
            agent_forwarding=False,
            x11_forwarding=False,
            config=None,
        )
        self.port = acceptor.sockets[0].getsockname()[1]
        if self.known_hosts_file is not None:
            _write_atomically(
                self.known_hosts_file,
                "# The BigV simulator's serial console (panel.simulator.console)\n"
                + self.known_hosts_line
                + "\n",
            )
        return acceptor

    def _load_host_key(self) -> asyncssh.SSHKey:
        """Kept across restarts when a file is given, so clients keep trusting it."""
        path = self.host_key_file
        if path is not None and path.exists():
            return asyncssh.read_private_key(path)
        key = asyncssh.generate_private_key("ssh-ed25519")
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            key.write_private_key(path)
            path.chmod(0o600)
        return key

    def _close_all(self) -> None:
        for processes in self._listeners.values():
            for process in list(processes):
                _hang_up(process)
        if self._acceptor is not None:
            self._acceptor.close()
        assert self._loop is not None
        self._loop.stop()

    # ---- who may connect --------------------------------------------------------------
    def authorize(self, login: str, key: asyncssh.SSHKey) -> int | None:
        """The VM that ``login`` (``<bigv-user>+<management address>``) may reach with
        ``key``, or None."""
        username, plus, address = login.rpartition("+")
        if not plus:
            return None
        world = self.world
        with world.lock:
            user = world.user_named(username)
            vm = next((v for v in world.vms.values() if v.management_address == address), None)
            if user is None or vm is None or not _listed(user.authorized_keys, key):
                return None
            # The user's own privileges: no API key's (C81); none needing a YubiKey either,
            # since a key login offers no second factor (empty factors).
            access = Access(world, Principal(user=user, kind="console"))
            return vm.id if access.read_vm(vm) else None

    # ---- the lines ----------------------------------------------------------------------
    def _line(self, vm_id: int) -> SerialLine | None:
        """The VM's line, made afresh when the VM object changed (a reset world, a purge)."""
        with self.world.lock:
            vm = self.world.vms.get(vm_id)
            running = bool(vm and vm.power_on)
        if vm is None:
            return None
        if self._line_vms.get(vm_id) is not vm:
            if vm_id in self._line_vms:
                self._booted_at.pop(vm_id, None)  # the boot time of the VM it replaced
            self._line_vms[vm_id] = vm
            self._lines[vm_id] = SerialLine(
                facts=lambda: self._facts(vm_id),
                emit=lambda text: self._emit(vm_id, text),
                later=lambda delay, call: self._later(delay, call),
                speed=self.world.speed,
                running=running,
            )
        return self._lines[vm_id]

    def _facts(self, vm_id: int) -> Facts:
        with self.world.lock:
            vm = self._line_vms[vm_id]
            spec = vm.running or {}
            return Facts(
                name=vm.name,
                distribution=vm.last_imaged_with,
                cores=int(spec.get("cores", vm.cores)),
                memory=int(spec.get("memory", vm.memory)),
                booted_at=self._booted_at.get(vm_id, vm.created_at),
                now=self.world.now(),
            )

    def _emit(self, vm_id: int, text: str) -> None:
        for process in list(self._listeners.get(vm_id, ())):
            try:
                process.stdout.write(text)
            except (OSError, asyncssh.Error):
                self._listeners[vm_id].discard(process)

    def _later(self, delay: float, call: Any) -> None:
        assert self._loop is not None
        self._loop.call_later(delay, call)

    def _observe(self, vm: VirtualMachine, event: str, details: dict[str, Any]) -> None:
        """From ``power`` (any thread, under the world lock): hand over to the loop."""
        if self._loop is None or self.world.vms.get(vm.id) is not vm:
            return  # another world's VM (a test's second simulator, a reset being seeded)
        now = self.world.now()
        self._loop.call_soon_threadsafe(self._on_power, vm, event, details, now)

    def _on_power(
        self, vm: VirtualMachine, event: str, details: dict[str, Any], now: float
    ) -> None:
        if event == "boot":
            self._booted_at[vm.id] = now
        line = self._lines.get(vm.id)
        if line is None or self._line_vms.get(vm.id) is not vm:
            return  # nobody has looked at this line yet: it starts from the VM's state
        if event == "boot":
            line.booted()
        elif event == "halt":
            line.halted()
        elif event == "powerdown":
            line.powering_down()
        elif event == "reset":
            line.reset()
        elif event == "sendkey":
            line.keys(details.get("keys"))

    async def _tick(self) -> None:
        """While anyone listens: complete due transitions, hang up on VMs that are gone."""
        while True:
            await asyncio.sleep(TICK_SECONDS)
            watched = [vm_id for vm_id, who in self._listeners.items() if who]
            if not watched:
                continue
            with self.world.lock:
                power.tick(self.world)
                gone = [i for i in watched if self.world.vms.get(i) is not self._line_vms.get(i)]
            for vm_id in gone:
                for process in list(self._listeners.pop(vm_id, ())):
                    _hang_up(process)

    # ---- one connection -----------------------------------------------------------------
    async def _session(self, process: asyncssh.SSHServerProcess[str]) -> None:
        vm_id = process.get_extra_info("console_vm_id")
        line = self._line(vm_id) if isinstance(vm_id, int) else None
        if line is None:
            _hang_up(process)
            return
        self._listeners.setdefault(vm_id, set()).add(process)
        process.stdout.write(line.prompt())
        try:
            while True:
                try:
                    data = await process.stdin.read(1024)
                except (asyncssh.TerminalSizeChanged, asyncssh.BreakReceived):
                    continue  # a serial line has no window size, and a break does nothing
                if not data:
                    break
                if self._line(vm_id) is line:
                    line.feed(data)
        except (OSError, asyncssh.Error):
            pass
        finally:
            self._listeners.get(vm_id, set()).discard(process)
            _hang_up(process)


class _Server(asyncssh.SSHServer):
    """Public keys only; the VM found for the login rides on the connection."""

    def __init__(self, console: ConsoleServer) -> None:
        self._console = console
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn

    def begin_auth(self, username: str) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        vm_id = self._console.authorize(username, key)
        if vm_id is None or self._conn is None:
            return False
        self._conn.set_extra_info(console_vm_id=vm_id)
        return True


def _listed(authorized_keys: str, key: asyncssh.SSHKey) -> bool:
    """Whether ``key`` is one of the lines of ``authorized_keys`` (lines that are not a plain
    public key — options, comments, garbage — match nothing)."""
    for line in authorized_keys.splitlines():
        try:
            listed = asyncssh.import_public_key(line.strip())
        except (asyncssh.KeyImportError, ValueError):
            continue
        if listed.public_data == key.public_data:
            return True
    return False


def _hang_up(process: asyncssh.SSHServerProcess[str]) -> None:
    with contextlib.suppress(OSError, asyncssh.Error):
        process.exit(0)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)
