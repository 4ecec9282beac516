from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "panel.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Connects the receivers of the engine's signals (operation and batch endings).
        from panel.notifications import hooks  # noqa: F401
