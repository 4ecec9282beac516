"""Bulk changes: the selection from a VM table → the change → a summary to confirm → the
batch (``services.batch_start`` plans every VM from its live state and queues them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.vm_changes import services
from panel.vm_changes.forms import BatchForm, parse_vm_keys
from panel.web.htmx import HtmxHttpRequest

PAGE = "vm_changes/batch_new.html"


@require_http_methods(["GET", "POST"])
def batch_new(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the bulk bar's selection (``?vm=account/group/vm&…&kind=…``). POST
    ``action=review``: the summary to confirm; ``action=start``: the batch."""
    if request.method == "GET":
        form = BatchForm(initial={"kind": request.GET.get("kind", "")})
        selected = _selected(request.GET.getlist("vm"))
        return render(request, PAGE, {"form": form, "selected": selected, "stage": "form"})
    form = BatchForm(request.POST)
    action = request.POST.get("action", "review")
    selected = _selected(request.POST.getlist("vm"))
    if action == "edit" or not form.is_valid():
        status = 200 if action == "edit" else 400
        if action == "edit":
            form = BatchForm(initial=request.POST.dict())
        return render(
            request, PAGE, {"form": form, "selected": selected, "stage": "form"}, status=status
        )
    if action != "start":
        context = {
            "form": form,
            "selected": selected,
            "stage": "confirm",
            "summary": form.summary(),
        }
        return render(request, PAGE, context)
    data = form.cleaned_data
    try:
        with client_for(request.user) as client:
            batch = services.batch_start(
                actor=Actor.from_request(request),
                client=client,
                refs=form.refs(),
                kind=data["kind"],
                params=form.params(),
                concurrency=data["concurrency"],
                stop_after_failures=data["stop_after_failures"],
            )
    except services.InvalidPlan as error:
        form.add_error(None, str(error))
        return render(
            request, PAGE, {"form": form, "selected": selected, "stage": "form"}, status=409
        )
    return redirect("operations:batch", batch_id=batch.pk)


def _selected(values: list[str]) -> list[tuple[str, str, str]]:
    """The selection as (account, group, vm) for display; malformed keys are left out (the
    form says so when it validates)."""
    good: list[tuple[str, str, str]] = []
    for value in values[:500]:
        try:
            good.extend(parse_vm_keys([value]))
        except ValidationError:  # the form's own validation says so
            continue
    return list(dict.fromkeys(good))
