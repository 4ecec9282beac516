from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The panel's own users: logging in (throttled), idle sessions, passwords."""

    name = "panel.people"
    label = "people"
    verbose_name = "People (panel users)"
