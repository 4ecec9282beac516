"""Middleware of the view layer: BigV errors as pages, and ``Vary: HX-Request``.

``BigVErrorMiddleware`` is the one place a BigV error that escapes a view becomes what a
person sees (``panel.web.errors.render_api_error``): the connection page when nothing is
connected, the reconnect prompt when BigV refused the stored credential, and otherwise a page
— or, for htmx, a fragment — saying in words what happened, with the error's own status
(base.html makes htmx swap 4xx/5xx answers). A view that wants such a fragment in a
particular slot of the page sets ``request.error_slot`` (``panel.web.errors.errors_into``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from panel.bigv import BadRequest
from panel.web.errors import HANDLED, render_api_error

Handler = Callable[[HttpRequest], HttpResponse]


class BigVErrorMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, HANDLED) or isinstance(exception, BadRequest):
            # Not ours: Django's own handling (404, 403, 500). A refusal (400) is the business
            # of the form that caused it; one that escapes a view is a bug, shown as such.
            return None
        return render_api_error(request, exception)


class VaryOnHtmxMiddleware:
    """The same URL answers with a page or a fragment: caches must keep them apart."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response
