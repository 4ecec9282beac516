"""Bulk changes: the selection from a VM table → the change → a plan per VM to confirm → the
batch (``services.batch_start`` plans every VM again from its live state and starts only the
plans the person reviewed).

The review table (``services.batch_preview``) reads each selected VM's group once. Its rows
ride back with Start as ``reviewed`` values (``account/group/vm=digest``). A change that
pulls the plug on running VMs (a hard power-off) must be confirmed by typing how many.
"""

from __future__ import annotations

from typing import Any

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
    ``action=review``: the plan of every VM to confirm; ``action=start``: the batch."""
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
    if action == "start":
        return _start(request, form, selected)
    return _review(request, form, selected)


def _review(
    request: HtmxHttpRequest,
    form: BatchForm,
    selected: list[tuple[str, str, str]],
    *,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    data = form.cleaned_data
    try:
        with client_for(request.user) as client:
            plan = services.batch_preview(
                actor=Actor.from_request(request),
                client=client,
                refs=form.refs(),
                kind=data["kind"],
                params=form.params(),
            )
    except services.InvalidPlan as error:
        form.add_error(None, str(error))
        return render(
            request, PAGE, {"form": form, "selected": selected, "stage": "form"}, status=409
        )
    context: dict[str, Any] = {
        "form": form,
        "selected": selected,
        "stage": "confirm",
        "summary": form.summary(),
        "preview": plan,
        "reviewed": [f"{key}={digest}" for key, digest in plan.digests().items()],
        "notice": notice,
    }
    return render(request, PAGE, context, status=status)


def _start(
    request: HtmxHttpRequest, form: BatchForm, selected: list[tuple[str, str, str]]
) -> HttpResponse:
    reviewed = _reviewed(request.POST.getlist("reviewed"))
    if not reviewed:
        notice = "Nothing was started: review the plan of each VM, then start."
        return _review(request, form, selected, status=400, notice=notice)
    expected = request.POST.get("destructive_count", "")
    if expected and request.POST.get("confirm_count", "").strip() != expected:
        # The plan is read again: what the person is asked to confirm stays current.
        notice = f"Type {expected} to confirm that {expected} running VMs lose power."
        return _review(request, form, selected, status=400, notice=notice)
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
                reviewed=reviewed,
            )
    except services.InvalidPlan as error:
        form.add_error(None, str(error))
        return render(
            request, PAGE, {"form": form, "selected": selected, "stage": "form"}, status=409
        )
    return redirect("operations:batch", batch_id=batch.pk)


def _reviewed(values: list[str]) -> dict[str, str]:
    """``account/group/vm=digest`` pairs from the review page (malformed ones ignored: a VM
    without a reviewed plan is simply not started)."""
    pairs: dict[str, str] = {}
    for value in values[:500]:
        key, _, digest = value.rpartition("=")
        if key and digest.isalnum():
            pairs[key] = digest
    return pairs


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
