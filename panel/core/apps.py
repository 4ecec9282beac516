from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting helpers every app may use (an app only for its template tags)."""

    name = "panel.core"
    label = "core"
    verbose_name = "Panel core"
