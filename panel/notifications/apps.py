from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "panel.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from panel.core.sealing import register_sealed

        # Connects the receivers of the engine's signals (operation and batch endings).
        from panel.notifications import hooks  # noqa: F401

        register_sealed(
            "notifications.NotificationSettings",
            "webhook_sealed",
            "webhook_secret_sealed",
            lost="set the webhook again",
        )
