"""Where the panel runs: its folders and whether this is production (read by every part of
the settings)."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PANEL_VAR_DIR", BASE_DIR / "var"))

PANEL_ENV = os.environ.get("PANEL_ENV", "development")
PRODUCTION = PANEL_ENV == "production"
