"""Re-seal every stored sealed value under the newest PANEL_CREDENTIAL_KEYS key.

Run it after putting a new key at the front of PANEL_CREDENTIAL_KEYS (keep the old keys
behind it until this has run everywhere); then the old keys can be removed. It covers every
column the apps registered as sealed (``panel.core.sealing.SEALED_COLUMNS``): BigV
credentials, console keys, webhook URLs and secrets, operations' secrets. Values already
under the newest key are left untouched, so a second run rotates nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from panel.core.sealing import SEALED_COLUMNS, Unsealable, reseal, sealed_under_newest_key

ROTATED, UNCHANGED, LOST, EMPTY = "rotated", "unchanged", "lost", "empty"


class Command(BaseCommand):
    help = (
        "Re-seal stored credentials, keys and secrets under the newest PANEL_CREDENTIAL_KEYS key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts: Counter[str] = Counter()
        lost: Counter[str] = Counter()
        for label, (fields, advice) in SEALED_COLUMNS.items():
            model = apps.get_model(label)
            for pk in model.objects.order_by("pk").values_list("pk", flat=True):
                # One short transaction per row: a person writing meanwhile is never blocked
                # for long, and a fresh value (already under the newest key) is just skipped.
                with transaction.atomic():
                    row = model.objects.select_for_update().filter(pk=pk).first()
                    if row is None:
                        continue
                    results = {field: _rotate(row, field) for field in fields}
                    counts.update(results.values())
                    if LOST in results.values():
                        lost[f"{model._meta.verbose_name} ({advice})"] += 1
                    changed = [field for field, result in results.items() if result == ROTATED]
                    if changed:
                        row.save(update_fields=changed)
        summary = f"rotated {counts[ROTATED]}, unchanged {counts[UNCHANGED]}"
        if lost:
            # Those values stay as they are (and stay unusable); the people concerned act.
            details = "; ".join(f"{n} {what}" for what, n in sorted(lost.items()))
            raise CommandError(
                f"{summary}, undecryptable {sum(lost.values())} (no configured key opens "
                f"them — {details})"
            )
        self.stdout.write(summary)


def _rotate(row: Any, field: str) -> str:
    """Re-seal one value on ``row`` (not saved); what happened to it."""
    value = getattr(row, field)
    if not value:
        return EMPTY  # nothing sealed here (a webhook not set, secrets already used)
    if sealed_under_newest_key(value):
        return UNCHANGED
    try:
        setattr(row, field, reseal(value))
    except Unsealable:
        return LOST
    return ROTATED
