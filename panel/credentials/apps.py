from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "panel.credentials"
    label = "credentials"
    verbose_name = "BigV credentials"

    def ready(self) -> None:
        from panel.core.sealing import register_sealed

        # A credential kept after a disconnection is deleted when the last operation it
        # serves ends (a receiver of panel.operations' operation_finished).
        from panel.credentials import services  # noqa: F401

        # A page reads the credential once (panel.core.request_memo); a change forgets it.
        from panel.credentials import selectors  # noqa: F401

        register_sealed("credentials.BigVCredential", "ciphertext", lost="reconnect to BigV")
