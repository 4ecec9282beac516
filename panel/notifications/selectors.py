"""Reads for the settings page: a person's choices and their delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panel.notifications.models import Delivery, DeliveryStatus, NotificationSettings
from panel.notifications.services import settings_for

LOG_LENGTH = 25


@dataclass(frozen=True)
class SettingsPage:
    settings: NotificationSettings
    deliveries: tuple[Delivery, ...]

    @property
    def waiting(self) -> bool:
        """Something is still on its way (the log keeps itself up to date meanwhile)."""
        done = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
        return any(d.status not in done for d in self.deliveries)


def settings_page(*, user: Any) -> SettingsPage:
    log = Delivery.objects.filter(user=user).order_by("-created_at")[:LOG_LENGTH]
    return SettingsPage(settings=settings_for(user), deliveries=tuple(log))
