"""How long VM changes wait for BigV, read from settings at call time (tests override them)."""

from __future__ import annotations

from django.conf import settings

from panel.operations.conf import poll_seconds

__all__ = [
    "boot_wait",
    "compensation_grace",
    "poll_seconds",
    "power_off_wait",
    "provision_wait",
]


def power_off_wait() -> float:
    return float(settings.OPERATIONS_POWER_OFF_WAIT_SECONDS)


def boot_wait() -> float:
    return float(settings.OPERATIONS_BOOT_WAIT_SECONDS)


def provision_wait() -> float:
    return float(settings.OPERATIONS_PROVISION_WAIT_SECONDS)


def compensation_grace() -> float:
    return float(settings.OPERATIONS_COMPENSATION_GRACE_SECONDS)
