"""``manage.py audit_seal``: seal audit intents left by a crash into the chain now.

Celery beat does this every ``PANEL_AUDIT_SEAL_SECONDS`` (``panel.audit.tasks``); this is
for when beat is not running, or to see what it would do.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panel.audit.intents import grace_seconds, pending_summary, seal_intents


class Command(BaseCommand):
    help = (
        "Append actions whose result was never recorded (their process stopped between "
        "calling BigV and recording it) to the audit chain with outcome 'unknown'."
    )
    # Like audit_verify: it must work even while another app's system checks fail.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="SECONDS",
            help="Seal intents older than this (default and minimum: the grace period, "
            "PANEL_AUDIT_INTENT_GRACE_SECONDS, which is longer than any BigV call may take).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        grace = grace_seconds()
        older_than = options["older_than"]
        if older_than is not None and older_than < grace:
            # A younger intent may belong to a call still in flight: sealing it would give
            # that action two entries.
            raise CommandError(f"--older-than must be at least the grace period ({grace:g} s)")
        sealed = seal_intents(older_than=older_than, using=options["database"])
        waiting = pending_summary(using=options["database"]).count
        self.stdout.write(
            f"Sealed {sealed} intent(s) as outcome unknown; {waiting} younger one(s) left."
        )
