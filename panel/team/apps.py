from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "panel.team"
    label = "team"
    verbose_name = "Team (panel users)"
