from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """What BigV holds, as each person may see it: accounts, groups and the VM tables."""

    name = "panel.inventory"
    label = "inventory"
