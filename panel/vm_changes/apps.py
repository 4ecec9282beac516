from django.apps import AppConfig


class VmChangesConfig(AppConfig):
    """Multi-step VM changes run as operations: plans, steps, and the forms that start them."""

    name = "panel.vm_changes"
    label = "vm_changes"
    verbose_name = "VM changes"

    def ready(self) -> None:
        from panel.vm_changes.workflow import register_vm_changes

        register_vm_changes()
