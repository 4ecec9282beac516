"""BigV's endpoints and timeouts, the read caches, and the serial console's settings."""

from __future__ import annotations

import os

from panel.conf.environment import VAR_DIR
from panel.core.secrets import env_list
from panel.core.settings_env import env_int

# --- BigV ----------------------------------------------------------------------------------
# The embedded simulator serves the brain at / and the auth service under /auth on one port.
BIGV_API_URL = os.environ.get("BIGV_API_URL", "http://127.0.0.1:8765")
BIGV_AUTH_URL = os.environ.get("BIGV_AUTH_URL", "http://127.0.0.1:8765/auth")
BIGV_CONNECT_TIMEOUT = float(os.environ.get("BIGV_CONNECT_TIMEOUT", "3.05"))
BIGV_READ_TIMEOUT = float(os.environ.get("BIGV_READ_TIMEOUT", "20"))
BIGV_DEADLINE = float(os.environ.get("BIGV_DEADLINE", "30"))
# The only hosts credentials may be sent to (panel.core.checks). Loopback (the simulator of
# `make run`) is allowed outside production without being listed.
BIGV_ALLOWED_HOSTS = env_list("BIGV_ALLOWED_HOSTS", default=["uk0.bigv.io", "auth.bytemark.co.uk"])
# The VM tables' per-user read cache (panel.core.read_cache): how long a listing is reused
# while nobody writes through the panel (0 turns it off), and how many VMs one process holds.
READ_CACHE_SECONDS = float(os.environ.get("PANEL_READ_CACHE_SECONDS", "10"))
# A person's BigV access (privileges and what they can see, panel.access) is read when they
# connect, on demand, and again when older than this.
PANEL_SCOPE_SECONDS = float(os.environ.get("PANEL_SCOPE_SECONDS", "900"))
READ_CACHE_MAX_VMS = int(os.environ.get("PANEL_READ_CACHE_MAX_VMS", "20000"))

# --- The serial console in the browser (panel.console; README "The console") ---------------
# How a VM's console is reached. Empty: BigV's own way, ssh <bigv-user>@<management address>
# on port 22. "NETWORK=HOST:PORT" (comma-separated): management addresses in NETWORK go
# through a console gateway at HOST:PORT with the address in the login name
# (<bigv-user>+<address>) — what `make run` sets for the simulator (docs/bigv-api.md C80).
BIGV_CONSOLE_ADDRESSES = os.environ.get("BIGV_CONSOLE_ADDRESSES", "")
# The consoles' SSH host keys (an OpenSSH known_hosts file): the panel connects to no other.
BIGV_CONSOLE_KNOWN_HOSTS = os.environ.get(
    "BIGV_CONSOLE_KNOWN_HOSTS", str(VAR_DIR / "console-known-hosts")
)
PANEL_CONSOLE_MAX_PER_PERSON = env_int("PANEL_CONSOLE_MAX_PER_PERSON", 3)
# A console nobody types into for this long is closed.
PANEL_CONSOLE_IDLE_SECONDS = env_int("PANEL_CONSOLE_IDLE_SECONDS", 15 * 60)
# How often an open console checks that its person may still use it (logged in, active,
# connected to BigV, level high enough); a log-out in the same process closes it at once.
PANEL_CONSOLE_CHECK_SECONDS = float(os.environ.get("PANEL_CONSOLE_CHECK_SECONDS", "5"))
