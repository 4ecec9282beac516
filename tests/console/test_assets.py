"""The vendored terminal is the exact release, and pages load it with its pinned hashes."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from panel.console import assets

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_the_vendored_files_match_their_pinned_hashes() -> None:
    for path, integrity in assets.INTEGRITY.items():
        digest = hashlib.sha384((STATIC / path).read_bytes()).digest()
        assert f"sha384-{base64.b64encode(digest).decode()}" == integrity, path


def test_each_vendored_package_keeps_its_licence_and_version() -> None:
    for folder, name, version in [
        ("xterm-6.0.0", "@xterm/xterm", "6.0.0"),
        ("addon-fit-0.11.0", "@xterm/addon-fit", "0.11.0"),
    ]:
        package = STATIC / "console" / "vendor" / folder
        meta = json.loads((package / "package.json").read_text())
        assert (meta["name"], meta["version"], meta["license"]) == (name, version, "MIT")
        assert (
            "MIT License" in (package / "LICENSE").read_text()
            or "Permission is hereby" in (package / "LICENSE").read_text()
        )
