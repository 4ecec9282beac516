"""Re-encrypt every stored BigV credential under the newest PANEL_CREDENTIAL_KEYS key.

Run it after putting a new key at the front of PANEL_CREDENTIAL_KEYS (keep the old keys
behind it until this has run everywhere); then the old keys can be removed. Rows already
under the newest key are left untouched, so a second run rotates nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from panel.credentials.crypto import CredentialUndecryptable, is_under_newest_key, reencrypt
from panel.credentials.models import BigVCredential


class Command(BaseCommand):
    help = "Re-encrypt stored BigV credentials under the newest PANEL_CREDENTIAL_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = unchanged = undecryptable = 0
        for pk in BigVCredential.objects.order_by("pk").values_list("pk", flat=True):
            # One short transaction per row: a user connecting meanwhile is never blocked
            # for long, and their fresh row (already under the newest key) is just skipped.
            with transaction.atomic():
                row = BigVCredential.objects.select_for_update().filter(pk=pk).first()
                if row is None:
                    continue
                if is_under_newest_key(row.ciphertext):
                    unchanged += 1
                    continue
                try:
                    row.ciphertext = reencrypt(row.ciphertext)
                except CredentialUndecryptable:
                    undecryptable += 1
                    continue
                row.save(update_fields=["ciphertext"])
                rotated += 1
        summary = f"rotated {rotated}, unchanged {unchanged}"
        if undecryptable:
            # Those users must reconnect; their rows stay as they are (and stay unusable).
            raise CommandError(
                f"{summary}, undecryptable {undecryptable} (no configured key "
                "opens them; those users must reconnect)"
            )
        self.stdout.write(summary)
