from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting helpers every app may use."""

    name = "panel.core"
    label = "core"
    verbose_name = "Panel core"

    def ready(self) -> None:
        # Registers the BigV URL checks with Django's check framework.
        from panel.core import checks  # noqa: F401
