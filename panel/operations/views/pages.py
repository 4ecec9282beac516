"""The operations list, one operation's page (with Cancel), and a batch's page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from panel.core.actor import Actor
from panel.operations import selectors, services
from panel.operations.forms import OperationFilterForm
from panel.operations.models import Operation

from .live import PROGRESS, batch_context


def _is_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


@require_GET
def operation_list(request: HttpRequest) -> HttpResponse:
    form = OperationFilterForm(request.GET)
    form.is_valid()  # a junk filter is dropped, not an error page
    data = getattr(form, "cleaned_data", {})
    filters = selectors.OperationFilters(
        user=data.get("user", "").strip(),
        vm=data.get("vm", "").strip(),
        status=data.get("status", ""),
    )
    page = selectors.operation_page(filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "usernames": selectors.actor_usernames(),
        "query": query.urlencode(),
    }
    template = "operations/list.html"
    response = render(request, f"{template}#table" if _is_fragment(request) else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _operation_or_404(operation_id: uuid.UUID) -> Operation:
    op = selectors.operation(operation_id)
    if op is None:
        raise Http404("No such operation.")
    return op


@require_GET
def operation_detail(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    op = _operation_or_404(operation_id)
    return _detail_page(request, op)


def _detail_page(request: HttpRequest, op: Operation, **extra: object) -> HttpResponse:
    context = {"op": op, "detail_url": reverse("operations:detail", args=[op.pk]), **extra}
    return render(request, "operations/detail.html", context)


@require_http_methods(["GET", "POST"])
def operation_cancel(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    op = _operation_or_404(operation_id)
    if request.method == "GET":
        # Without JavaScript: the operation page with the question (htmx asks in the browser).
        if op.is_terminal:
            return redirect("operations:detail", operation_id=op.pk)
        question = (
            f"Cancel “{op.summary}” on {op.vm_name}? It stops at the next safe point and puts "
            "the VM back as it was."
        )
        url = reverse("operations:cancel", args=[op.pk])
        return _detail_page(request, op, cancel_question=question, cancel_url=url)
    op = services.operation_cancel(actor=Actor.from_request(request), operation=op)
    if _is_fragment(request):
        # The live part of the page, at once (the stream follows with the next changes).
        return render(request, f"{PROGRESS}#body", {"op": op, "view": "detail"})
    if op.is_terminal and op.status != "cancelled":
        messages.info(request, f"It had already finished: {op.status_label}.")
    else:
        messages.success(request, "Cancel requested.")
    return redirect("operations:detail", operation_id=op.pk)


@require_GET
def batch_detail(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = selectors.batch(batch_id)
    if batch is None:
        raise Http404("No such batch.")
    return render(request, "operations/batch.html", batch_context(batch))
