"""Make Debian's chromium available for the browser tests (``make test`` runs this).

Never downloads a browser build of its own: it installs the distribution package with apt-get
when it is missing and we are root. Where that is impossible it says why, and the browser
tests skip with that same reason (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"browser tests will skip: {CHROMIUM} is missing and apt-get needs root")
        return 0
    print("installing Debian's chromium for the browser tests (apt-get)…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        result = subprocess.run(cmd, env=env, check=False)
        if result.returncode != 0:
            print(f"browser tests will skip: {' '.join(cmd)} failed ({result.returncode})")
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
