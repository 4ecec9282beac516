"""Sortable column headers for the VM table.

A header is a real link (works without JavaScript) that htmx also follows to swap only the
table; it keeps every other filter in the query string and says which way it sorts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


# The columns after the checkbox, in the rows' order (panel.inventory.rows): sort key,
# heading, whether it is a number, whether only the all-VMs page has it.
_COLUMNS = (
    ("name", "Name", False, False),
    ("power", "State", False, False),
    ("account", "Account", False, True),
    ("group", "Group", False, True),
    ("cores", "Cores", True, False),
    ("memory", "Memory", True, False),
    ("disc", "Disc", True, False),
    ("zone", "Zone", False, False),
    ("profile", "Hardware profile", False, False),
    ("hostname", "Hostname", False, False),
    ("ip", "IP", False, False),
)


@register.simple_tag(takes_context=True)
def sort_headers(context: template.Context) -> SafeString:
    """The table's sortable column headings, in one pass (nine tags of their own took
    0.3 ms a table). The labels are ours; the URLs are escaped."""
    request = context["request"]
    query = context["listing"].query
    show_place = bool(context.get("show_place"))
    cells = []
    for key, label, numeric, place_only in _COLUMNS:
        if place_only and not show_place:
            continue
        current = query.sort == key
        next_dir = "asc" if current and query.descending else ("desc" if current else "asc")
        href = escape(_query_with(request.path, request.GET, sort=key, dir=next_dir))
        if current:
            aria, arrow = ("descending", "▼") if query.descending else ("ascending", "▲")
        else:
            aria, arrow = "none", ""
        cells.append(
            f'<th scope="col" class="sortable col-{key}{" num" if numeric else ""}"'
            f' aria-sort="{aria}"><a href="{href}" hx-get="{href}" hx-target="#vm-table"'
            f' hx-swap="outerHTML" hx-push-url="true">{label}<span class="sort-arrow"'
            f' aria-hidden="true">{arrow}</span><span class="visually-hidden">, sort'
            f" {'ascending' if next_dir == 'asc' else 'descending'}</span></a></th>"
        )
    return mark_safe("".join(cells))  # noqa: S308 (our labels; the URLs escaped above)


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
