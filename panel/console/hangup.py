"""Close a person's open consoles the moment their access ends, in this process.

Logging out, being deactivated and disconnecting BigV are noticed here by signal, and every
console of that person served by this web process is told to close at once. Consoles served
by another process notice on their next check (``sessions.console_check``, every
``PANEL_CONSOLE_CHECK_SECONDS``), which reads the same facts from the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from panel.console.models import ConsoleSession
from panel.credentials.models import BigVCredential

Close = Callable[[str], None]
# user id -> the close callbacks of that person's open consoles, each with its event loop
_open: dict[int, dict[Close, asyncio.AbstractEventLoop]] = {}


def register(user_id: int, close: Close, loop: asyncio.AbstractEventLoop) -> None:
    _open.setdefault(user_id, {})[close] = loop


def unregister(user_id: int, close: Close) -> None:
    consoles = _open.get(user_id, {})
    consoles.pop(close, None)
    if not consoles:
        _open.pop(user_id, None)


def hang_up(user_id: int, end: str) -> int:
    """Tell every console of ``user_id`` in this process to close; returns how many."""
    consoles = list(_open.get(user_id, {}).items())
    for close, loop in consoles:
        try:
            loop.call_soon_threadsafe(close, end)
        except RuntimeError:  # its loop has closed: the console is gone anyway
            unregister(user_id, close)
    return len(consoles)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        hang_up(user.pk, ConsoleSession.End.LOGGED_OUT)


@receiver(post_save, sender=get_user_model())
def _deactivated(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        hang_up(instance.pk, ConsoleSession.End.LOGGED_OUT)


@receiver(post_delete, sender=BigVCredential)
def _disconnected(sender: Any, instance: BigVCredential, **kwargs: Any) -> None:
    hang_up(instance.user_id, ConsoleSession.End.ACCESS)


@receiver(post_save, sender=BigVCredential)
def _credential_changed(sender: Any, instance: BigVCredential, **kwargs: Any) -> None:
    """Rejected, expired, or kept only to put changes back: the console's key and level
    were for the credential as it was (another BigV user is noticed by the next check)."""
    if not instance.is_active:
        hang_up(instance.user_id, ConsoleSession.End.ACCESS)
