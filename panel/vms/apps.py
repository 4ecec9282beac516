from django.apps import AppConfig


class VmsConfig(AppConfig):
    name = "panel.vms"
    label = "vms"
