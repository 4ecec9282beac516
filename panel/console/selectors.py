"""Reads for the SSH keys section and the console section."""

from __future__ import annotations

from typing import Any

from panel.bigv import BigVClient
from panel.console.keys import ListedKey, listed
from panel.console.models import ConsoleKey
from panel.core.compiled_reads import CompiledRead


def ssh_keys(*, client: BigVClient, bigv_username: str) -> list[ListedKey]:
    """The keys in the BigV user's ``authorized_keys`` (one API call)."""
    return [listed(line) for line in client.authorized_keys(bigv_username)]


def console_key_of(user: Any) -> ConsoleKey | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return _CONSOLE_KEY.first(user.pk)


# Every VM page asks (its console section): compiled once (panel.core.compiled_reads).
_CONSOLE_KEY = CompiledRead(
    lambda user_id: ConsoleKey.objects.filter(user_id=user_id).order_by("pk")[:1],
)
