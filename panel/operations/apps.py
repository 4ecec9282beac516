from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The workflow engine: operations and batches, claims, compensation, the reconciler."""

    name = "panel.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from panel.core.sealing import register_sealed

        # A batch starts its next operation when one ends (a receiver of operation_finished).
        from panel.operations import batches  # noqa: F401

        # Sealed until the step that needs them has run, then wiped ("").
        register_sealed("operations.Operation", "secret_params", lost="start the operation again")
