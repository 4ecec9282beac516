from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "panel.credentials"
    label = "credentials"
    verbose_name = "BigV credentials"

    def ready(self) -> None:
        from panel.core.sealing import register_sealed

        # Receivers: a credential kept after a disconnection is deleted when the last
        # operation it serves ends (services, on operation_finished); a page reads the
        # credential once (selectors, panel.core.request_memo) and a change forgets that.
        from panel.credentials import selectors, services  # noqa: F401

        register_sealed("credentials.BigVCredential", "ciphertext", lost="reconnect to BigV")
