"""A VM's serial line, as ``ssh <user>@<management address>`` shows it (``console.py``).

Like a real serial console it is one line shared by everyone connected: what the guest writes
reaches them all and what anyone types reaches the guest. The guest is a small script: kernel
and systemd lines when it boots, getty's login prompt, a shell that knows a handful of
commands (hostname, uptime, uname, echo, ls, whoami, exit), systemd's shutdown lines when an
ACPI power-down or Ctrl-Alt-Delete reaches it, and silence while the VM is off. The pauses
between boot lines shrink with the simulator's speed. Any user name and password log in: the
simulator never knows a guest's passwords (reimage secrets are not kept, docs/bigv-api.md §13).
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass

OFF, BOOTING, LOGIN, PASSWORD, SHELL, STOPPING = (
    "off",
    "booting",
    "login",
    "password",
    "shell",
    "stopping",
)

# distribution -> (the name getty shows, the kernel release); anything else is "Linux".
_SYSTEMS = {
    "bookworm": ("Debian GNU/Linux 12", "6.1.0-28-amd64"),
    "bullseye": ("Debian GNU/Linux 11", "5.10.0-33-amd64"),
    "buster": ("Debian GNU/Linux 10", "4.19.0-27-amd64"),
    "stretch": ("Debian GNU/Linux 9", "4.9.0-19-amd64"),
    "jessie": ("Debian GNU/Linux 8", "3.16.0-11-amd64"),
    "wheezy": ("Debian GNU/Linux 7", "3.2.0-6-amd64"),
}
_DEFAULT_SYSTEM = ("Linux", "5.10.0-33-amd64")
_ROOT_LISTING = "bin  boot  dev  etc  home  lib  lib64  media  mnt  opt  proc  root  run  sbin"
_ROOT_LISTING += "  srv  sys  tmp  usr  var"
_BOOT_LINES = (
    "[    0.000000] Linux version {kernel} (debian-kernel@lists.debian.org) #1 SMP Debian",
    "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-{kernel} root=/dev/vda1 ro "
    "console=ttyS0,115200n8",
    "[    0.120000] smpboot: Allowing {cores} CPUs, 0 hotplug CPUs",
    "[    0.310000] Memory: {memory}K available",
    "[    1.020000] virtio_blk virtio2: [vda] disk attached",
    "[    2.310000] EXT4-fs (vda1): mounted filesystem with ordered data mode.",
    "[    3.100000] systemd[1]: Detected virtualization kvm.",
    "[  OK  ] Reached target Local File Systems.",
    "[  OK  ] Started Journal Service.",
    "[  OK  ] Started OpenBSD Secure Shell server.",
    "[  OK  ] Reached target Multi-User System.",
)
_SHUTDOWN_LINES = (
    "[  OK  ] Stopped target Multi-User System.",
    "[  OK  ] Stopped OpenBSD Secure Shell server.",
    "[  OK  ] Stopped Journal Service.",
    "[  OK  ] Unmounted /boot.",
    "[  OK  ] Reached target System Shutdown.",
)
_STEP = 0.15  # seconds between two boot or shutdown lines at speed 1


@dataclass(frozen=True, slots=True)
class Facts:
    """What the guest knows of itself, read from the world when it is needed."""

    name: str  # the VM's name is the guest's host name
    distribution: str | None
    cores: int
    memory: int  # MiB
    booted_at: float
    now: float

    @property
    def system(self) -> str:
        return _SYSTEMS.get(self.distribution or "", _DEFAULT_SYSTEM)[0]

    @property
    def kernel(self) -> str:
        return _SYSTEMS.get(self.distribution or "", _DEFAULT_SYSTEM)[1]


class SerialLine:
    """One VM's line. ``emit`` writes to everyone connected, ``later`` runs a function after
    a delay on the console's event loop; every method is called on that loop."""

    def __init__(
        self,
        *,
        facts: Callable[[], Facts],
        emit: Callable[[str], None],
        later: Callable[[float, Callable[[], None]], None],
        speed: float,
        running: bool,
    ) -> None:
        self._facts = facts
        self._emit = emit
        self._later = later
        self._step = _STEP / max(speed, 0.001)
        self.state = LOGIN if running else OFF
        self.user = ""
        self._typed = ""
        self._escape = False
        # Bumped by every power event: a boot interrupted by a stop prints no more lines.
        self._epoch = 0

    # ---- what happens to the VM ------------------------------------------------------
    def booted(self) -> None:
        self._epoch += 1
        self.state, self.user, self._typed = BOOTING, "", ""
        self._emit("\r\n")  # the firmware starts on a line of its own
        facts = self._facts()
        lines = [
            line.format(kernel=facts.kernel, cores=facts.cores, memory=facts.memory * 1024)
            for line in _BOOT_LINES
        ]
        self._play(lines, then=self._getty)

    def halted(self) -> None:
        graceful = self.state == STOPPING
        self._epoch += 1
        self.state, self.user, self._typed = OFF, "", ""
        if graceful:
            self._emit(f"{self._stamp()} reboot: Power down\r\n")

    def powering_down(self) -> None:
        """ACPI power button: systemd stops everything; the halt comes from the brain."""
        if self.state in (OFF, STOPPING):
            return
        self._epoch += 1
        self.state = STOPPING
        self._play(list(_SHUTDOWN_LINES), then=lambda: None)

    def reset(self) -> None:
        """A hardware reset: no goodbye, straight into the firmware and the boot lines."""
        if self.state != OFF:
            self.booted()

    def keys(self, keys: str | None) -> None:
        """Ctrl-Alt-Delete at the console makes systemd reboot the guest (the VM stays on)."""
        pressed = set((keys or "").lower().split("-"))
        if self.state == OFF or not {"ctrl", "alt"} <= pressed or not pressed & {"delete", "del"}:
            return
        self._epoch += 1
        self.state = STOPPING
        lines = [*_SHUTDOWN_LINES, f"{self._stamp()} reboot: Restarting system"]
        self._play(lines, then=self.booted)

    # ---- what a connected terminal sees and sends -------------------------------------
    def prompt(self) -> str:
        """Shown to a terminal that connects, as getty redraws its prompt on a new line."""
        if self.state == LOGIN:
            return "\r\n" + self._login_prompt()
        if self.state == PASSWORD:
            return "\r\nPassword: "
        if self.state == SHELL:
            return "\r\n" + self._shell_prompt() + self._typed
        return ""

    def feed(self, text: str) -> None:
        for char in text:
            self._key(char)

    def _key(self, char: str) -> None:
        if self.state not in (LOGIN, PASSWORD, SHELL):
            return  # off, booting or stopping: nobody reads the line
        if self._escape or char == "\x1b":
            # Arrow keys and the like: swallowed up to the sequence's final letter or '~'.
            self._escape = char == "\x1b" or not (char.isalpha() or char == "~")
            return
        if char in "\r\n":
            self._enter()
        elif char in "\x7f\b":
            if self._typed:
                self._typed = self._typed[:-1]
                if self.state != PASSWORD:
                    self._emit("\b \b")
        elif char == "\x03":  # Ctrl-C
            self._typed = ""
            self._emit("^C\r\n" + self._current_prompt())
        elif char == "\x04" and self.state == SHELL and not self._typed:  # Ctrl-D
            self._logout()
        elif char.isprintable():
            self._typed += char
            if self.state != PASSWORD:
                self._emit(char)

    def _enter(self) -> None:
        typed, self._typed = self._typed, ""
        self._emit("\r\n")
        if self.state == LOGIN:
            if typed.strip():
                self.user, self.state = typed.strip(), PASSWORD
                self._emit("Password: ")
            else:
                self._emit(self._login_prompt())
        elif self.state == PASSWORD:
            facts = self._facts()
            self.state = SHELL
            self._emit(f"Linux {facts.name} {facts.kernel} #1 SMP Debian x86_64\r\n\r\n")
            self._emit(self._shell_prompt())
        else:
            self._run(typed)

    def _run(self, command: str) -> None:
        try:
            words = shlex.split(command)
        except ValueError:
            words = ["\x00"]
        if words and words[0] in ("exit", "logout"):
            self._logout()
            return
        answer = self._answer(words) if words else None
        if answer is not None:
            self._emit(answer.replace("\n", "\r\n") + "\r\n")
        self._emit(self._shell_prompt())

    def _answer(self, words: list[str]) -> str | None:
        facts = self._facts()
        command, args = words[0], words[1:]
        if command == "hostname":
            return facts.name
        if command == "whoami":
            return self.user
        if command == "echo":
            return " ".join(args)
        if command == "uptime":
            return _uptime(facts)
        if command == "uname":
            return _uname(facts, args)
        if command == "ls":
            return _ROOT_LISTING if args[-1:] == ["/"] else None
        if command == "\x00":
            return "-bash: syntax error: unexpected end of file"
        return f"-bash: {command}: command not found"

    def _logout(self) -> None:
        self._typed, self.user, self.state = "", "", LOGIN
        facts = self._facts()
        self._emit(f"logout\r\n\r\n{facts.system} {facts.name} ttyS0\r\n\r\n")
        self._emit(self._login_prompt())

    # ---- helpers ----------------------------------------------------------------------
    def _play(self, lines: list[str], *, then: Callable[[], None]) -> None:
        """Write ``lines`` one by one, then call ``then`` — unless another power event came
        first (the epoch moved on)."""
        epoch = self._epoch

        def step(index: int) -> None:
            if epoch != self._epoch:
                return
            if index == len(lines):
                then()
                return
            self._emit(lines[index] + "\r\n")
            self._later(self._step, lambda: step(index + 1))

        step(0)

    def _getty(self) -> None:
        facts = self._facts()
        self.state = LOGIN
        self._emit(f"\r\n{facts.system} {facts.name} ttyS0\r\n\r\n{self._login_prompt()}")

    def _login_prompt(self) -> str:
        return f"{self._facts().name} login: "

    def _shell_prompt(self) -> str:
        sign = "#" if self.user == "root" else "$"
        return f"{self.user}@{self._facts().name}:~{sign} "

    def _current_prompt(self) -> str:
        if self.state == SHELL:
            return self._shell_prompt()
        if self.state == PASSWORD:
            self.state, self.user = LOGIN, ""
        return self._login_prompt()

    def _stamp(self) -> str:
        facts = self._facts()
        return f"[{max(facts.now - facts.booted_at, 0.0):12.6f}]"


def _uptime(facts: Facts) -> str:
    clock = time.strftime("%H:%M:%S", time.gmtime(facts.now))
    minutes = int(max(facts.now - facts.booted_at, 0) // 60)
    since = f"{minutes} min" if minutes < 60 else f"{minutes // 60}:{minutes % 60:02d}"
    return f" {clock} up {since},  1 user,  load average: 0.00, 0.01, 0.00"


def _uname(facts: Facts, args: list[str]) -> str:
    parts = {
        "-s": "Linux",
        "-n": facts.name,
        "-r": facts.kernel,
        "-v": "#1 SMP Debian",
        "-m": "x86_64",
        "-o": "GNU/Linux",
    }
    if "-a" in args:
        return " ".join(parts.values())
    chosen = [parts[arg] for arg in args if arg in parts]
    return " ".join(chosen) or "Linux"
