from django.apps import AppConfig


class GrantsConfig(AppConfig):
    """BigV privileges on accounts, groups and VMs ("Access"), and one's BigV API keys."""

    name = "panel.grants"
    label = "grants"
