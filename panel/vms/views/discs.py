"""Discs: add, grow, delete. Each answers with just the row(s) the call changed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from panel.bigv import BigVClient, Disc
from panel.core.actor import Actor
from panel.vms import forms, services
from panel.vms.refs import VmRef
from panel.vms.services import DiscDeleted
from panel.web.htmx import HtmxHttpRequest, wants_fragment, with_fragments

from ._context import buttons_action, form_action, history_oob, safe_definitions
from ._support import definitions, ref_from

DISCS = "vms/_discs.html"
# GET: back to the VM page (or a confirmation); POST: the action.
ACTION_METHODS = require_http_methods(["GET", "POST"])


@ACTION_METHODS
def disc_create(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    labels = [label for label in request.POST.getlist("shown_labels") if label][:64]
    form = forms.DiscCreateForm(request.POST or None, definitions=definitions())
    action = form_action(
        request,
        ref,
        form,
        "disc_add_form",
        "disc-add-form",
        "Add a disc",
        template=DISCS,
        disc_form=form,
        disc_labels=labels,
    )

    def perform(actor: Actor, client: BigVClient) -> Disc:
        data = form.cleaned_data
        return services.disc_create(
            actor=actor,
            client=client,
            ref=ref,
            size=form.size_mib(),
            storage_grade=data["storage_grade"],
            label=data["label"],
        )

    def succeeded(disc: Disc) -> HttpResponse:
        message = f"Added disc {disc.label} ({disc.size // 1024} GiB) to {ref.vm}."
        if not wants_fragment(request):
            return action.done(message)
        context = {
            "ref": ref,
            "disc": disc,
            "message": message,
            "disc_form": forms.DiscCreateForm(definitions=safe_definitions()),
            "disc_labels": [*labels, disc.label],
        }
        return _with_history(request, ref, render(request, f"{DISCS}#disc_created", context))

    return action.run(perform, succeeded)


@ACTION_METHODS
def disc_resize(
    request: HtmxHttpRequest, account: str, group: str, vm: str, disc: int
) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = forms.DiscResizeForm(request.POST or None, disc_id=disc)
    shown = SimpleNamespace(
        id=disc,
        label=request.POST.get("shown_label", ""),
        size=_int(request.POST.get("current_size")),
    )
    action = form_action(
        request,
        ref,
        form,
        "disc_resize_form",
        f"disc-{disc}-resize-form",
        "Grow a disc",
        template=DISCS,
        resize_form=form,
        disc=shown,
    )
    action.error_slot = f"disc-{disc}-errors"
    action.field_map = {"size": "size_gib"}

    def perform(actor: Actor, client: BigVClient) -> Disc:
        return services.disc_resize(
            actor=actor,
            client=client,
            ref=ref,
            disc_id=disc,
            size=form.size_mib(),
        )

    def succeeded(result: Disc) -> HttpResponse:
        message = f"Disc {result.label} of {ref.vm} is now {result.size // 1024} GiB."
        if not wants_fragment(request):
            return action.done(message)
        return _row_with_message(request, ref, result, message)

    return action.run(perform, succeeded)


@ACTION_METHODS
def disc_delete(
    request: HtmxHttpRequest, account: str, group: str, vm: str, disc: int
) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    data = request.POST if request.method == "POST" else request.GET
    form = forms.DiscDeleteForm(data)
    label = data.get("shown_label") or f"#{disc}"
    question = f"Delete disc {label} of {ref.vm} and everything on it? This cannot be undone."
    action = buttons_action(
        request, ref, form, f"Delete disc {label}", f"disc-{disc}-errors", confirm=question
    )

    def perform(actor: Actor, client: BigVClient) -> DiscDeleted:
        return services.disc_delete(actor=actor, client=client, ref=ref, disc_id=disc)

    def succeeded(result: DiscDeleted) -> HttpResponse:
        message = f"Deleted disc {label} of {ref.vm}."
        if not wants_fragment(request):
            return action.done(message)
        context = {"ref": ref, "message": message, "disc_id": disc}
        return _with_history(request, ref, render(request, f"{DISCS}#disc_removed", context))

    return action.run(perform, succeeded)


def _row_with_message(
    request: HtmxHttpRequest, ref: VmRef, disc: Disc, message: str
) -> HttpResponse:
    context: dict[str, Any] = {"ref": ref, "disc": disc, "message": message}
    return _with_history(request, ref, render(request, f"{DISCS}#disc_changed", context))


def _with_history(request: HtmxHttpRequest, ref: VmRef, response: HttpResponse) -> HttpResponse:
    with_fragments(response, [history_oob(request, ref)])
    return response


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 12 else 0
