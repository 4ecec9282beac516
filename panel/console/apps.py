from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The VMs' serial consoles in the browser, and the SSH keys of each person's BigV user."""

    name = "panel.console"
    label = "console"
    verbose_name = "Console"

    def ready(self) -> None:
        # Open consoles close at once when their person logs out, is deactivated or
        # disconnects BigV (in this process; the others notice on their next check).
        from panel.console import hangup  # noqa: F401
        from panel.core.sealing import register_sealed

        register_sealed("console.ConsoleKey", "sealed_private_key", lost="make a new console key")
