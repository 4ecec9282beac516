"""The drills: what breaks, for how long, and how it comes back."""

from __future__ import annotations

import time

from drill.scenario import OWN_PAGES, Drill
from drill.stack import DrillStack
from drill.world import Control

REDIS_DOWN = 8.0  # seconds
POSTGRES_DOWN = 5.0
BIGV_DOWN_PART = 30.0  # twice: refusing, then unreachable


def redis_killed(stack: DrillStack, control: Control) -> None:
    """kill -9 of Redis; a new one, empty, 8 s later: every queued task is gone with it."""
    assert stack.redis is not None
    stack.redis.kill()
    time.sleep(REDIS_DOWN)
    stack.redis.start()


def postgres_restarted(stack: DrillStack, control: Control) -> None:
    """PostgreSQL stopped at once (every connection cut mid-query) and started 5 s later."""
    assert stack.postgres is not None
    stack.postgres.restart(POSTGRES_DOWN)


def bigv_unreachable(stack: DrillStack, control: Control) -> None:
    """A minute without BigV: 30 s of 503 with Retry-After, then 30 s of connections reset."""
    control.outage(
        "status",
        status=503,
        body='{"error": "BigV is down for maintenance"}',
        content_type="application/json",
        headers={"Retry-After": "5"},
    )
    time.sleep(BIGV_DOWN_PART)
    control.clear_faults()
    control.outage("reset")
    time.sleep(BIGV_DOWN_PART)
    control.clear_faults()


DRILLS = {
    "redis": Drill("redis", "Redis kill -9, restarted empty after 8 s", redis_killed),
    "postgres": Drill(
        "postgres", "PostgreSQL restarted (down 5 s)", postgres_restarted, pages_hold=False
    ),
    # The group page reads BigV: while BigV is away it says so (an error page); the panel's
    # own pages must keep answering.
    "bigv": Drill(
        "bigv",
        "BigV unreachable for 60 s (503 + Retry-After, then resets)",
        bigv_unreachable,
        pages=OWN_PAGES,
    ),
}
