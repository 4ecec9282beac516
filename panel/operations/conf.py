"""The engine's timings, read from settings at call time (tests override them per process)."""

from __future__ import annotations

from django.conf import settings


def lease_seconds() -> float:
    return float(settings.OPERATIONS_LEASE_SECONDS)


def poll_seconds() -> float:
    return float(settings.OPERATIONS_POLL_SECONDS)


def step_retries() -> int:
    return int(settings.OPERATIONS_STEP_RETRIES)


def retry_seconds() -> float:
    return float(settings.OPERATIONS_RETRY_SECONDS)


def outage_seconds() -> float:
    return float(settings.OPERATIONS_OUTAGE_SECONDS)
