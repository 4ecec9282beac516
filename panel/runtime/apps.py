from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    """How the panel runs: the ASGI application, health, ``runstack`` and the demo seed."""

    name = "panel.runtime"
    label = "runtime"
    verbose_name = "Runtime"
