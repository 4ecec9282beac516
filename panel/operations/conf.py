"""Operation timings, read from settings at call time (tests override them per process)."""

from __future__ import annotations

from django.conf import settings


def lease_seconds() -> float:
    return float(settings.OPERATIONS_LEASE_SECONDS)


def poll_seconds() -> float:
    return float(settings.OPERATIONS_POLL_SECONDS)


def power_off_wait() -> float:
    return float(settings.OPERATIONS_POWER_OFF_WAIT_SECONDS)


def boot_wait() -> float:
    return float(settings.OPERATIONS_BOOT_WAIT_SECONDS)


def provision_wait() -> float:
    return float(settings.OPERATIONS_PROVISION_WAIT_SECONDS)


def step_retries() -> int:
    return int(settings.OPERATIONS_STEP_RETRIES)


def retry_seconds() -> float:
    return float(settings.OPERATIONS_RETRY_SECONDS)


def compensation_grace() -> float:
    return float(settings.OPERATIONS_COMPENSATION_GRACE_SECONDS)
