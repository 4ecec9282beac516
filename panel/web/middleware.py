"""Middleware of the view layer: BigV errors as pages, ``Vary: HX-Request``, and notices
that reach the page with the htmx answer they belong to.

``BigVErrorMiddleware`` is the one place a BigV error that escapes a view becomes what a
person sees (``panel.web.errors.render_api_error``): the connection page when nothing is
connected, the reconnect prompt when BigV refused the stored credential, and otherwise a page
— or, for htmx, a fragment — saying in words what happened, with the error's own status
(base.html makes htmx swap 4xx/5xx answers). A view that wants such a fragment in a
particular slot of the page sets ``request.error_slot`` (``panel.web.errors.errors_into``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin

from panel.bigv import BadRequest
from panel.core.light_middleware import LightMiddleware
from panel.web.errors import HANDLED, render_api_error


class BigVErrorMiddleware(MiddlewareMixin):
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, HANDLED) or isinstance(exception, BadRequest):
            # Not ours: Django's own handling (404, 403, 500). A refusal (400) is the business
            # of the form that caused it; one that escapes a view is a bug, shown as such.
            return None
        return render_api_error(request, exception)


class VaryOnHtmxMiddleware(LightMiddleware):
    """The same URL answers with a page or a fragment: caches must keep them apart."""

    def after(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        patch_vary_headers(response, ("HX-Request",))
        return response


class HtmxMessagesMiddleware(MiddlewareMixin):
    """Notices added while answering an htmx request go out with that answer.

    A fragment does not include the page's message box, so a notice added for it (Django's
    messages framework) used to wait for the next full page, where it showed beside later,
    unrelated ones. Here it is rendered into the answer as an out-of-band swap of the box
    (read, so the messages middleware, which runs after this, drops it). A redirecting
    answer (HX-Redirect and the like) leaves it for the page it leads to.
    """

    _LEADS_ELSEWHERE = ("HX-Redirect", "HX-Location", "HX-Refresh")

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # The message storage may read the session (the database): Django runs this in a
        # thread when the layer sits in its async chain.
        if self._takes_notices(request, response):
            storage = messages.get_messages(request)
            if len(storage):
                box = render_to_string(
                    "_components/messages.html#box",
                    {"messages": list(storage), "oob": True},
                    request=request,
                )
                response.content = response.content + box.encode(response.charset)
        return response

    def _takes_notices(self, request: HttpRequest, response: HttpResponse) -> bool:
        htmx = getattr(request, "htmx", None)
        return bool(
            htmx
            and not htmx.boosted
            and not response.streaming
            and response.status_code not in (204, 304)
            and not 300 <= response.status_code < 400
            and response.get("Content-Type", "").startswith("text/html")
            and not any(header in response for header in self._LEADS_ELSEWHERE)
        )
