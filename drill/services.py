"""The dependencies a drill breaks: a Redis and a PostgreSQL of its own, on free ports."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from panel.runtime.embedded_redis import free_port, redis_reachable, start_embedded_redis

PG_BIN = Path("/usr/lib/postgresql")


@dataclass
class RedisServer:
    """A private redis-server that keeps nothing on disk: started again, it is empty."""

    workdir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.port = self.port or free_port()
        self.process, _ = start_embedded_redis(self.workdir, self.port)

    def kill(self) -> None:
        """SIGKILL: no goodbye to its clients, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def up(self) -> bool:
        return redis_reachable(self.url)


def pg_binaries() -> Path | None:
    """Debian's PostgreSQL server binaries (initdb, pg_ctl), the newest installed."""
    found = sorted(PG_BIN.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


@dataclass
class PgCluster:
    """A throwaway PostgreSQL cluster (trust auth on 127.0.0.1), run as ``postgres`` when the
    drill runs as root — the server refuses to run as root."""

    workdir: Path
    port: int = 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        bin_dir = pg_binaries()
        assert bin_dir is not None
        command = [str(bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check)  # noqa: S603

    @property
    def data(self) -> Path:
        return self.workdir / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/panel"

    def start(self) -> None:
        self.port = self.port or free_port()
        self.workdir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
            # The drill's own directory is private (mkdtemp: 0700); postgres must pass through
            # it to reach its cluster — to pass, not to list it.
            self.workdir.parent.chmod(0o711)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self._pg_ctl("start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "panel")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.workdir / "postgres.log")
        self._run("pg_ctl", action, "-D", str(self.data), "-o", options, "-l", log, "-w", *extra)

    def restart(self, down_seconds: float) -> None:
        """Stopped at once (its clients' connections cut), then started again."""
        self._pg_ctl("stop", "-m", "immediate")
        time.sleep(down_seconds)
        self._pg_ctl("start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", check=False)
