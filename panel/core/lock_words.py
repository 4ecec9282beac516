"""How the panel says when a lock on tries ends (a login's, a password change's, a BigV
connection's): one wording wherever a person meets one."""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone

ASK_ADMIN = ", or ask an administrator to lift the lock."


def ends_at(until: dt.datetime) -> str:
    """When a lock ends, in the panel's time zone: "14:05", or "3 Dec 14:05" on another day."""
    local = timezone.localtime(until)
    same_day = local.date() == timezone.localtime().date()
    return dateformat.format(local, "H:i" if same_day else "j M H:i")


def locked_message(template: str, until: dt.datetime, *, every_address: bool) -> str:
    """``template`` with ``{time}`` the lock's end; a lock on every address (the account's,
    not one address's) adds that an administrator can lift it."""
    return template.format(time=ends_at(until)) + (ASK_ADMIN if every_address else ".")
