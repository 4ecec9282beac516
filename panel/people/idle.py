"""Idle sessions end: no click for ``PANEL_SESSION_IDLE_SECONDS``, and one logs in again.

Django's own cookie age is absolute (``SESSION_COOKIE_AGE`` caps a session's whole life);
"idle" needs the time of the last *person's* request. Background requests — the live-status
streams and their polling fallbacks, which a page left open sends forever — do not count as
activity, or an abandoned browser tab would keep a session alive indefinitely.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin
from django_htmx.http import HttpResponseClientRedirect

from panel.people.services import session_expire
from panel.web.htmx import wants_fragment

SESSION_KEY = "panel_last_activity"
# Writing the session on every click costs a database write; a minute's precision is plenty.
_TOUCH_EVERY = 60


def is_background(request: HttpRequest) -> bool:
    if "text/event-stream" in request.headers.get("Accept", ""):
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in settings.PANEL_SESSION_BACKGROUND_VIEWS


class IdleSessionMiddleware(MiddlewareMixin):
    """After AuthenticationMiddleware, before LoginRequiredMiddleware (which then sends the
    expired user to the login page)."""

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        now = int(time.time())
        last = request.session.get(SESSION_KEY)
        if isinstance(last, int) and now - last > settings.PANEL_SESSION_IDLE_SECONDS:
            session_expire(request=request)
            return _to_login(request)
        if not is_background(request) and (not isinstance(last, int) or now - last >= _TOUCH_EVERY):
            request.session[SESSION_KEY] = now
        return None


def _to_login(request: HttpRequest) -> HttpResponse:
    back = request.get_full_path() if request.method == "GET" else ""
    if wants_fragment(request):
        # A fragment request: the whole page goes to the login (htmx would swap it in).
        target = request.headers.get("HX-Current-URL", "") or back
        response = redirect_to_login(target or settings.LOGIN_REDIRECT_URL)
        return HttpResponseClientRedirect(response["Location"])
    return redirect_to_login(back or settings.LOGIN_REDIRECT_URL)
