"""``manage.py login_unlock USERNAME [--ip ADDRESS]``: lift a person's locks before they end.

Both log-in locks — the username's from one address, and from every address together (the
one a stranger can cause) — and the same locks on changing their panel password and on
connecting their BigV credentials. With ``--ip``: only what was locked from that address.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from panel.core.actor import Actor
from panel.people.services import login_unlock


class Command(BaseCommand):
    help = (
        "Lift the locks of a username: log-in (from each address and from every address), "
        "password change and connecting BigV; with --ip only that address's. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--ip", default=None, help="only the locks from this address")

    def handle(self, *args: Any, **options: Any) -> None:
        lifted = login_unlock(actor=Actor.system(), username=options["username"], ip=options["ip"])
        self.stdout.write(f"Lifted {lifted} lock(s) for {options['username']}.")
