"""The operations list, one operation's page (with Cancel), and a batch's page (with Stop)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from panel.access.policy import may_cancel
from panel.activity import selectors, services
from panel.activity.forms import OperationFilterForm
from panel.activity.live.streams import PROGRESS, batch_context
from panel.core.actor import Actor
from panel.operations.models import Operation
from panel.operations.selectors import OperationFilters
from panel.web.htmx import HtmxHttpRequest, page_or_fragment, wants_fragment


@require_GET
def operation_list(request: HtmxHttpRequest) -> HttpResponse:
    form = OperationFilterForm(request.GET)
    form.is_valid()  # a junk filter is dropped, not an error page
    data = getattr(form, "cleaned_data", {})
    filters = OperationFilters(
        user=data.get("user", "").strip(),
        vm=data.get("vm", "").strip(),
        status=data.get("status", ""),
    )
    page = selectors.operation_page(request.user, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "usernames": selectors.actor_usernames(request.user),
        "query": query.urlencode(),
    }
    return page_or_fragment(request, "activity/list.html", "table", context)


def _operation_or_404(request: HtmxHttpRequest, operation_id: uuid.UUID) -> Operation:
    op = selectors.operation(request.user, operation_id)
    if op is None:
        raise Http404("No such operation, or not one you may see.")
    return op


@require_GET
def operation_detail(request: HtmxHttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    op = _operation_or_404(request, operation_id)
    return _detail_page(request, op)


def _detail_page(request: HtmxHttpRequest, op: Operation, **extra: object) -> HttpResponse:
    context = {
        "op": op,
        "detail_url": reverse("operations:detail", args=[op.pk]),
        "may_cancel": may_cancel(request.user, op),
        **extra,
    }
    return render(request, "activity/detail.html", context)


@require_http_methods(["GET", "POST"])
def operation_cancel(request: HtmxHttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    op = _operation_or_404(request, operation_id)
    if request.method == "GET":
        # Without JavaScript: the operation page with the question (htmx asks in the browser).
        if op.is_terminal:
            return redirect("operations:detail", operation_id=op.pk)
        question = (
            f"Cancel “{op.summary}” on {op.vm_name}? It stops at the next safe point, then "
            f"puts {op.vm_name} back. A step that cannot be recalled (a shutdown under way) "
            "finishes first."
        )
        url = reverse("operations:cancel", args=[op.pk])
        return _detail_page(request, op, cancel_question=question, cancel_url=url)
    op = services.operation_cancel(actor=Actor.from_request(request), operation=op)
    if wants_fragment(request):
        # The live part of the page, at once (the stream follows with the next changes).
        context = {"op": op, "view": "detail", "may_cancel": True}
        return render(request, f"{PROGRESS}#body", context)
    if op.is_terminal and op.status != "cancelled":
        messages.info(request, f"It had already finished: {op.status_label}.")
    else:
        messages.success(request, "Cancel requested.")
    return redirect("operations:detail", operation_id=op.pk)


@require_GET
def batch_detail(request: HtmxHttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = selectors.batch(request.user, batch_id)
    if batch is None:
        raise Http404("No such batch, or not one you may see.")
    return render(request, "activity/batch.html", batch_context(request.user, batch))


@require_POST
def batch_stop(request: HtmxHttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = selectors.batch(request.user, batch_id)
    if batch is None:
        raise Http404("No such batch, or not one you may see.")
    services.batch_stop(actor=Actor.from_request(request), batch=batch)
    return redirect(reverse("operations:batch", args=[batch.pk]))
