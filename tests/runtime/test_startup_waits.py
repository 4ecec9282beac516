"""runstack's start-up waits outlast a broker that is away for a moment."""

from __future__ import annotations

import pytest

from panel.runtime.embedded_redis import free_port
from panel.runtime.startup import wait_for_worker


def test_waiting_for_the_worker_rides_out_a_broker_that_refuses():
    # Nothing listens on the port: every ping fails to connect, as while Redis restarts.
    url = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(RuntimeError, match="did not answer within 2 s"):
        wait_for_worker(url, "nobody@nowhere", timeout=2.0)
