"""The panel login behind an open console, read from the session store by its key.

A console outlives the page request that opened it, so it asks the session store itself:
the login is over when the session is gone (logged out, expired), belongs to someone else,
carries an old password's hash (the password was changed elsewhere), or has been idle past
``PANEL_SESSION_IDLE_SECONDS`` (``panel.people.idle``). Typing into a console is the person's
activity, so it keeps the login alive as clicks do (at most once a minute, as the middleware).
"""

from __future__ import annotations

import contextlib
import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.utils.crypto import constant_time_compare

from panel.people.idle import SESSION_KEY as LAST_ACTIVITY

TOUCH_EVERY = 60


def _store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key)
    return store


def still_logged_in(session_key: str, user: Any) -> bool:
    data = _store(session_key).load()
    if str(data.get(SESSION_KEY, "")) != str(user.pk):
        return False
    if not constant_time_compare(str(data.get(HASH_SESSION_KEY, "")), user.get_session_auth_hash()):
        return False
    last = data.get(LAST_ACTIVITY)
    return not (isinstance(last, int) and time.time() - last > settings.PANEL_SESSION_IDLE_SECONDS)


def note_activity(session_key: str) -> None:
    """The person typed: their login's idle clock starts again (a gone login stays gone)."""
    store = _store(session_key)
    if not store.load():
        return
    store[LAST_ACTIVITY] = int(time.time())
    # Logged out meanwhile (UpdateError): the next check closes the console.
    with contextlib.suppress(UpdateError):
        store.save(must_create=False)
