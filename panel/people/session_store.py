"""Django's database sessions, with the session read by a statement compiled once.

Every page reads its session; through the ORM that read is mostly compiling the query
(0.25 ms a page). This store is Django's own (``SESSION_ENGINE``, the documented way to
extend it) and changes one thing: the row is found with the statement the ORM compiled once
(``panel.core.compiled_reads``), and its expiry is compared here rather than in SQL — the
same rule (a session past its ``expire_date`` is no session). Saving, rotating, deleting and
the async reads of the live streams are Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from panel.core.compiled_reads import CompiledRead

# Session keys are 32 letters and digits; this is none of them.
_SESSIONS = CompiledRead(lambda key: Session.objects.filter(session_key=key), stand_in="(stand-in)")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        found = _SESSIONS.first(self.session_key)
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found
