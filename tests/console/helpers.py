"""Shared by tests/console and tests/e2e: the simulator's serial console on a test's world."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# The simulator's management addresses, all served by its one console port.
MANAGEMENT_NETWORK = "172.16.0.0/12"


@contextmanager
def console_for(simulator: Any, folder: Path) -> Iterator[Any]:
    """A ``ConsoleServer`` on ``simulator``'s world, on a free loopback port."""
    from panel.simulator.console import ConsoleServer

    server = ConsoleServer(simulator.world, port=0, known_hosts_file=folder / "known_hosts")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def console_env(server: Any) -> dict[str, str]:
    """The settings that point a panel at ``server``."""
    return {
        "BIGV_CONSOLE_ADDRESSES": f"{MANAGEMENT_NETWORK}=127.0.0.1:{server.port}",
        "BIGV_CONSOLE_KNOWN_HOSTS": str(server.known_hosts_file),
    }
