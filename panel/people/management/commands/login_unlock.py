"""``manage.py login_unlock USERNAME [--ip ADDRESS]``: lift a login lock before it ends."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from panel.core.actor import Actor
from panel.people.services import login_unlock


class Command(BaseCommand):
    help = "Lift the login locks of a username (from one address with --ip). Audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--ip", default=None, help="only the lock from this address")

    def handle(self, *args: Any, **options: Any) -> None:
        lifted = login_unlock(actor=Actor.system(), username=options["username"], ip=options["ip"])
        self.stdout.write(f"Lifted {lifted} lock(s) for {options['username']}.")
