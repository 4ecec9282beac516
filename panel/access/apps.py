from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Roles, each person's BigV scope, and the policy built on both."""

    name = "panel.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # New panel users become operators; people who leave stop their work.
        from panel.access import leaving, roles  # noqa: F401

        # The role groups exist after every migrate (and every test database flush).
        post_migrate.connect(roles.ensure_roles, sender=self)
