"""Delete (soft), undelete and purge (gone for good)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from panel.bigv import BigVClient, VirtualMachine
from panel.core.actor import Actor
from panel.core.names import segment
from panel.vms import forms, services
from panel.vms.services import VmGone
from panel.web.htmx import HtmxHttpRequest, wants_fragment, with_fragments

from ._context import action_urls, buttons_action, form_action, history_oob
from ._support import detail_url, ref_from

# GET: back to the VM page (or a confirmation); POST: the action.
ACTION_METHODS = require_http_methods(["GET", "POST"])


@ACTION_METHODS
def delete(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    question = f"Delete {ref.vm}? It is powered off and hidden; it can be undeleted for a while."
    form = forms.ConfirmForm(request.POST or None)
    action = buttons_action(request, ref, form, "Delete VM", "danger-errors", confirm=question)

    def perform(actor: Actor, client: BigVClient) -> VmGone:
        return services.vm_delete(actor=actor, client=client, ref=ref)

    def succeeded(result: VmGone) -> HttpResponse:
        message = f"Deleted {ref.vm}. It can be undeleted for a while, or purged."
        if not wants_fragment(request):
            return action.done(message, url=detail_url(ref, deleted=True))
        context = {
            "ref": ref,
            "urls": action_urls(ref),
            "message": message,
            "purge_form": forms.PurgeForm(vm_name=ref.vm),
        }
        response = render(request, "vms/_panel.html#gone", context)
        locked = render_to_string("vms/_discs.html#discs_locked")
        return with_fragments(response, [locked, history_oob(request, ref)])

    return action.run(perform, succeeded)


@ACTION_METHODS
def undelete(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = forms.ConfirmForm(request.POST or None)
    action = buttons_action(request, ref, form, "Undelete VM", "danger-errors")

    def perform(actor: Actor, client: BigVClient) -> VirtualMachine:
        return services.vm_undelete(actor=actor, client=client, ref=ref)

    def succeeded(result: VirtualMachine) -> HttpResponse:
        # The PUT answers with the VM but without its discs and interfaces, and every
        # section of the page changes (actions come back): load the page again rather than
        # draw sections from a state the panel did not read.
        messages.success(request, f"Undeleted {result.name}. It stays off until you start it.")
        url = detail_url(ref.renamed(segment(result.name, result.id)))
        return HttpResponseClientRedirect(url) if wants_fragment(request) else redirect(url)

    return action.run(perform, succeeded)


@ACTION_METHODS
def purge(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = forms.PurgeForm(request.POST or None, vm_name=ref.vm)
    action = form_action(request, ref, form, "purge_form", "purge-form", f"Purge {ref.vm}")

    def perform(actor: Actor, client: BigVClient) -> VmGone:
        return services.vm_purge(
            actor=actor, client=client, ref=ref, confirm_name=form.cleaned_data["confirm_name"]
        )

    def succeeded(result: VmGone) -> HttpResponse:
        # Nothing is left to show: back to the group, where the VM no longer appears.
        messages.success(request, f"Purged {ref.vm}. Its name can be used again.")
        url = reverse("accounts:group", kwargs={"account": ref.account, "group": ref.group})
        return HttpResponseClientRedirect(url) if wants_fragment(request) else redirect(url)

    return action.run(perform, succeeded)
