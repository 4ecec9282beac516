from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "panel.credentials"
    label = "credentials"
    verbose_name = "BigV credentials"
