"""After a privilege of some BigV user changed: what the panel keeps of the access of the
people connected as that user is no longer true.

The acting person, when it is their own BigV user, has theirs read again at once (their next
page must already offer what they now may do). Anyone else's is dropped, and read again with
their own credential on their next page: nobody's credential is used on another's behalf.
"""

from __future__ import annotations

from panel.access.policy import person
from panel.access.services import scope_forget, scope_refresh
from panel.core.actor import Actor
from panel.grants.selectors import connections


def after_change(actor: Actor, bigv_username: str) -> None:
    me = person(actor)
    connected = connections([bigv_username]).get(bigv_username, [])
    scope_forget(c.user_id for c in connected if me is None or c.user_id != me.pk)
    if me is not None and any(c.user_id == me.pk for c in connected):
        scope_refresh(me)
