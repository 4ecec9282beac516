from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The workflow engine: operations and batches, claims, compensation, the reconciler."""

    name = "panel.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        # A batch starts its next operation when one ends (a receiver of operation_finished).
        from panel.operations import batches  # noqa: F401
