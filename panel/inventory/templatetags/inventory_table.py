"""Sortable column headers for the VM table.

A header is a real link (works without JavaScript) that htmx also follows to swap only the
table; it keeps every other filter in the query string and says which way it sorts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from panel.inventory.rows import render_rows
from panel.web.splice import later

register = template.Library()


def _query_with(path: str, params: QueryDict, **changes: str) -> str:
    """``path`` with the query string ``params`` as changed by ``changes`` (in place where the
    key is already there). Built without copying the QueryDict: a table has nine of these."""
    pairs: list[tuple[str, str]] = []
    placed: set[str] = set()
    for key, values in params.lists():
        if key == "fresh":
            continue  # a "Refresh" asks for new data once, not on every later click
        if key in changes:
            values = [changes[key]]
            placed.add(key)
        # Empty filters only lengthen the URL that is pushed into the history.
        if any(values):
            pairs.extend((key, value) for value in values)
    pairs.extend((key, value) for key, value in changes.items() if key not in placed and value)
    # Absolute path: htmx resolves hx-get against the document, which may be another URL.
    return f"{path}?{urlencode(pairs)}"


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, key: str, label: str, numeric: bool = False) -> str:
    request = context["request"]
    listing = context["listing"]
    current = listing.query.sort == key
    descending = listing.query.descending
    next_dir = "asc" if current and descending else ("desc" if current else "asc")
    href = _query_with(request.path, request.GET, sort=key, dir=next_dir)
    if current:
        aria = "descending" if descending else "ascending"
        arrow: SafeString | str = "▼" if descending else "▲"
    else:
        aria, arrow = "none", ""
    return format_html(
        '<th scope="col" class="sortable col-{}{}" aria-sort="{}">'
        '<a href="{}" hx-get="{}" hx-target="#vm-table" hx-swap="outerHTML" '
        'hx-push-url="true">{}<span class="sort-arrow" aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></a></th>',
        key,
        " num" if numeric else "",
        aria,
        href,
        href,
        label,
        arrow,
        f", sort {'ascending' if next_dir == 'asc' else 'descending'}",
    )


@register.simple_tag(takes_context=True)
def vm_rows(context: template.Context) -> SafeString:
    """The table's body rows (see ``panel.inventory.rows`` for why they are not a loop here),
    put into the answer after rendering where the view splices (``panel.web.splice``)."""
    rows = render_rows(context["listing"].rows, show_place=bool(context.get("show_place")))
    return later(context.get("request"), rows)


@register.simple_tag(takes_context=True)
def export_url(context: template.Context, fmt: str) -> str:
    """This table, as it is filtered and sorted now, exported as ``fmt`` (csv or json): the
    page's own URL name with ``_export`` and the same path arguments and query string."""
    request = context["request"]
    match = request.resolver_match
    path = reverse(f"{match.view_name}_export", kwargs={**match.kwargs, "fmt": fmt})
    return _query_with(path, request.GET)


@register.simple_tag(takes_context=True)
def refresh_url(context: template.Context) -> str:
    """This table's URL asking for data read now (``panel.core.read_cache.wants_fresh``)."""
    request = context["request"]
    return _query_with(request.path, request.GET, fresh="1")
