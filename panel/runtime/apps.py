from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    """How the panel runs: the ASGI application, health, start-up checks, ``runstack``."""

    name = "panel.runtime"
    label = "runtime"
    verbose_name = "Runtime"

    def ready(self) -> None:
        # Registers the BigV URL checks with Django's check framework.
        from panel.runtime import checks  # noqa: F401
