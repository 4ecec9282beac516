"""``manage.py audit_verify``: exit 0 if the audit chain verifies, 1 at the first broken entry."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from panel.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's HMAC chain and head checkpoint."
    # Verification must work even while another app's system checks fail.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing when OK.")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain(using=options["database"])
        for warning in result.warnings:
            self.stderr.write(f"WARNING: {warning}")
        if not result.ok:
            self.stderr.write(result.summary())
            sys.exit(1)
        if not options["quiet"]:
            self.stdout.write(result.summary())
