"""The panel's SSH client to a VM's serial console (asyncssh, on the web server's loop).

It connects as the person's BigV user with their console key, trusts only the host keys in
``BIGV_CONSOLE_KNOWN_HOSTS``, reads no SSH configuration, agent or key file of the machine
it runs on, and asks for a terminal the size of the browser's. Failures become one sentence
for the page.
"""

from __future__ import annotations

from pathlib import Path

import asyncssh

from panel.console.target import Target

CONNECT_SECONDS = 10
KEEPALIVE_SECONDS = 30


class ConsoleUnreachable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def open_console(
    *, target: Target, private_key: str, known_hosts: str, cols: int, rows: int
) -> tuple[asyncssh.SSHClientConnection, asyncssh.SSHClientProcess[str]]:
    if not Path(known_hosts).is_file():
        raise ConsoleUnreachable(
            "The panel does not know the consoles' host keys (BIGV_CONSOLE_KNOWN_HOSTS), so "
            "it connects to none."
        )
    key = asyncssh.import_private_key(private_key)
    try:
        conn = await asyncssh.connect(
            target.host,
            target.port,
            username=target.login,
            client_keys=[key],
            known_hosts=known_hosts,
            config=None,  # no ~/.ssh/config of the server's account
            agent_path=None,
            preferred_auth="publickey",
            connect_timeout=CONNECT_SECONDS,
            keepalive_interval=KEEPALIVE_SECONDS,
            encoding="utf-8",
            errors="replace",
        )
    except asyncssh.PermissionDenied as error:
        raise ConsoleUnreachable(
            "The console refused your console key: is it still among your BigV user's SSH "
            "keys, and do you still hold vm_console or more on this VM?"
        ) from error
    except asyncssh.HostKeyNotVerifiable as error:
        raise ConsoleUnreachable(
            "The console's host key is not one the panel trusts (BIGV_CONSOLE_KNOWN_HOSTS): "
            "the panel did not connect."
        ) from error
    except (OSError, TimeoutError, asyncssh.Error) as error:
        raise ConsoleUnreachable(
            f"The console at {target.host} could not be reached ({error.__class__.__name__})."
        ) from error
    try:
        process = await conn.create_process(term_type="xterm-256color", term_size=(cols, rows))
    except (OSError, asyncssh.Error) as error:
        conn.close()
        raise ConsoleUnreachable("The console did not open a terminal.") from error
    return conn, process
