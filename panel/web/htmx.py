"""htmx in one place: is this request asking for a fragment, and answers made of fragments.

``django_htmx.middleware.HtmxMiddleware`` (early in MIDDLEWARE, so every later middleware can
ask) sets ``request.htmx``; ``VaryOnHtmxMiddleware`` (``panel.web.middleware``) tells caches
that a URL answers with a page or a fragment depending on ``HX-Request``. Retargeting uses
django-htmx's own ``retarget``/``reswap``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from panel.web.splice import spliced, splicing


class HtmxHttpRequest(HttpRequest):
    """The request type of every view: ``request.htmx`` is always set."""

    htmx: HtmxDetails


def wants_fragment(request: HttpRequest) -> bool:
    """True for an htmx request that swaps a part of the page. A history restore (the back
    button with an evicted cache) asks for the whole page again."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def page_or_fragment(
    request: HttpRequest, template: str, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """The page, or for an htmx request only its ``{% partialdef fragment %}``; large pieces
    (a VM table's rows) are put in after rendering (``panel.web.splice``)."""
    name = f"{template}#{fragment}" if wants_fragment(request) else template
    splicing(request)
    return spliced(request, render(request, name, context, status=status))


def with_fragments(response: HttpResponse, fragments: Iterable[str]) -> HttpResponse:
    """Add rendered out-of-band fragments (each with ``hx-swap-oob``) to an htmx answer."""
    response.content = response.content + "".join(fragments).encode()
    return response
