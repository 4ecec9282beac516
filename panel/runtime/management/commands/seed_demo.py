"""Demo panel users, connected to the embedded simulator's demo BigV users.

Idempotent: users that exist are left alone (their passwords are not reset), credentials
already active are kept. Refuses to run unless BIGV_API_URL is a loopback address: it makes a
superuser with a published password, which must never happen next to a real BigV. With
``--verbosity 0`` (how ``runstack`` runs it, printing the logins itself once all is up) it
says only what went wrong.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from panel.access.roles import AUDITOR, OPERATOR
from panel.bigv import BigVError
from panel.core.actor import Actor
from panel.credentials.clients import definitions
from panel.credentials.models import BigVCredential
from panel.credentials.services import credentials_connect_api_key


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    superuser: bool
    api_key: str  # the simulator's seeded key for the matching BigV user
    about: str
    role: str = OPERATOR


DEMO_USERS = (
    DemoUser(
        "alice",
        "alice-panel-pw",
        True,
        "apikey.demo-key",
        "staff + superuser; BigV user 'demo' (account_admin on account demo)",
    ),
    DemoUser(
        "bob",
        "bob-panel-pw",
        False,
        "apikey.viewer-key",
        "operator; BigV user 'viewer' (console on VM web1 only)",
    ),
    DemoUser(
        "carol",
        "carol-panel-pw",
        False,
        "apikey.webadmin-key",
        "operator; BigV user 'webadmin' (group_admin on group demo/web)",
    ),
    DemoUser(
        "dan",
        "dan-panel-pw",
        False,
        "apikey.demo-key",
        "auditor (sees every operation and audit entry, changes nothing); BigV user 'demo'",
        role=AUDITOR,
    ),
)


def is_loopback_url(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Command(BaseCommand):
    help = "Create the demo panel users (alice, bob, carol, dan) and connect them to BigV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-connect",
            action="store_true",
            help="create the users but do not connect them to BigV",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False) or not is_loopback_url(settings.BIGV_API_URL):
            raise CommandError(
                f"seed_demo only runs against the embedded simulator (a loopback "
                f"BIGV_API_URL, not in production); BIGV_API_URL is {settings.BIGV_API_URL}"
            )
        self.verbosity = options["verbosity"]
        users = [self._ensure_user(demo) for demo in DEMO_USERS]
        if options["no_connect"]:
            self._note("BigV connection skipped (--no-connect).")
        elif not self._simulator_reachable():
            self.stdout.write(
                f"The simulator at {settings.BIGV_API_URL} is not reachable: "
                "BigV connection skipped (run seed_demo again once it is up)."
            )
        else:
            for demo, user in zip(DEMO_USERS, users, strict=True):
                self._connect(demo, user)
        self._note("Demo logins (panel):")
        for demo in DEMO_USERS:
            self._note(f"  {demo.username} / {demo.password}  — {demo.about}")

    def _note(self, line: str) -> None:
        """What went as expected: left out at verbosity 0; problems are always written."""
        if self.verbosity > 0:
            self.stdout.write(line)

    def _ensure_user(self, demo: DemoUser) -> Any:
        user_model = get_user_model()
        with transaction.atomic():
            user, created = user_model.objects.get_or_create(
                username=demo.username,
                defaults={"is_staff": demo.superuser, "is_superuser": demo.superuser},
            )
            if created:
                user.set_password(demo.password)
                user.save(update_fields=["password"])
                if demo.role != OPERATOR:
                    user.groups.set([Group.objects.get(name=demo.role)])
        if created:
            self._note(f"Created panel user {demo.username}.")
        elif not user.check_password(demo.password):
            self.stdout.write(
                f"Panel user {demo.username} exists; its password was changed and is left as it is."
            )
        return user

    def _simulator_reachable(self) -> bool:
        try:
            definitions()  # unauthenticated and cheap: a probe that records nothing
        except BigVError:
            return False
        return True

    def _connect(self, demo: DemoUser, user: Any) -> None:
        existing = BigVCredential.objects.filter(user=user).first()
        if existing is not None and existing.is_active:
            self._note(f"{demo.username} is already connected to BigV as {existing.bigv_username}.")
            return
        try:
            credential = credentials_connect_api_key(
                actor=Actor.system(), user=user, api_key=demo.api_key
            )
        except BigVError as error:
            self.stdout.write(f"Could not connect {demo.username} to BigV: {error.message}")
            return
        self._note(f"Connected {demo.username} to BigV as {credential.bigv_username}.")
