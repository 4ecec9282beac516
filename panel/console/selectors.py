"""Reads for the SSH keys section and the console section."""

from __future__ import annotations

from typing import Any

from panel.bigv import BigVClient
from panel.console.keys import ListedKey, listed
from panel.console.models import ConsoleKey


def ssh_keys(*, client: BigVClient, bigv_username: str) -> list[ListedKey]:
    """The keys in the BigV user's ``authorized_keys`` (one API call)."""
    return [listed(line) for line in client.authorized_keys(bigv_username)]


def console_key_of(user: Any) -> ConsoleKey | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ConsoleKey.objects.filter(user_id=user.pk).first()
