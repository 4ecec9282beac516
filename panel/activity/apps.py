from django.apps import AppConfig


class ActivityConfig(AppConfig):
    """What the team is doing: operation and batch pages, and their live status."""

    name = "panel.activity"
    label = "activity"
    verbose_name = "Activity"

    def ready(self) -> None:
        # Every committed change of an operation is announced on Redis for the open pages.
        from panel.activity.live import events  # noqa: F401
