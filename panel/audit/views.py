"""Read-only audit pages. Views parse the GET form, call one selector, render.

Each person sees the entries about what their own BigV user can see, and their own actions;
superusers and auditors see everything (``panel.access.visibility``). An entry outside that
answers 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from panel.access.visibility import audit_filter
from panel.audit import selectors
from panel.audit.export import export_response
from panel.audit.forms import AuditFilterForm


@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    page = None
    if form.is_valid():
        page = selectors.audit_page(
            form.filters(),
            before=form.cleaned_data.get("before"),
            after=form.cleaned_data.get("after"),
            within=audit_filter(request.user),
        )
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "filter_query": form.query(),
            "newer_query": form.query(after=page.newer_cursor)
            if page and page.newer_cursor
            else "",
            "older_query": form.query(before=page.older_cursor)
            if page and page.older_cursor
            else "",
        },
    )


@require_safe
def audit_detail(request: HttpRequest, seq: int) -> HttpResponse:
    entry = selectors.entry_by_seq(seq, audit_filter(request.user))
    if entry is None:
        raise Http404("No audit entry with that number, or not one you may see.")
    return render(request, "audit/detail.html", {"entry": entry})


@require_safe
def audit_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Invalid filters.", content_type="text/plain")
    entries = selectors.search_entries(form.filters(), audit_filter(request.user))
    return export_response(entries, fmt)
