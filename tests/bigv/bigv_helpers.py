"""Constants shared by the panel.bigv tests (tests/bigv is not a package, so plain imports)."""

from __future__ import annotations

from pathlib import Path

from panel.bigv import ClientConfig

# Published example payloads (fixtures/README.md says where each comes from).
FIXTURES_DIR = Path(__file__).parent / "fixtures"
API = "https://brain.test"
AUTH = "https://auth.test"
TOKEN = "tok-SENTINEL-4f9a2c"

# Tiny timeouts so the whole fault matrix runs in seconds (see test_bigv_faults.py).
FAST = ClientConfig(
    connect_timeout=0.5,
    read_timeout=0.3,
    deadline=0.8,
    retries=3,
    backoff_base=0.001,
    backoff_cap=0.01,
)
