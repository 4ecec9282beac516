"""Sortable column headers for the VM table.

A header is a real link (works without JavaScript) that htmx also follows to swap only the
table; it keeps every other filter in the query string and says which way it sorts.
"""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _query_with(path: str, params: QueryDict, **changes: str) -> str:
    query = params.copy()
    for key, value in changes.items():
        query[key] = value
    # Empty filters only lengthen the URL that is pushed into the history.
    for key in [k for k, v in query.lists() if not any(v)]:
        del query[key]
    # Absolute path: htmx resolves hx-get against the document, which may be another URL.
    return f"{path}?{query.urlencode()}"


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
        '<th scope="col" class="sortable{}" aria-sort="{}">'
        '<a href="{}" hx-get="{}" hx-target="#vm-table" hx-swap="outerHTML" '
        'hx-push-url="true">{}<span class="sort-arrow" aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></a></th>',
        " num" if numeric else "",
        aria,
        href,
        href,
        label,
        arrow,
        f", sort {'ascending' if next_dir == 'asc' else 'descending'}",
    )
