"""A VM's additional addresses: add some (BC's ``add ips``), give one back (typed
confirmation). Each answers with the network section read again, so the page shows the
addresses as BigV has them now."""

from __future__ import annotations

import ipaddress

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from panel.bigv import BigVClient, IpAllocation
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.vms import forms, selectors, services
from panel.vms.refs import VmRef
from panel.vms.services import IpDeleted
from panel.web.actions import FormAction
from panel.web.errors import errors_into
from panel.web.htmx import HtmxHttpRequest, wants_fragment, with_fragments

from ._context import abilities, action_urls, form_action, history_oob, shown_ref
from ._support import ref_from

NETWORK = "vms/_network.html"
# GET: back to the VM page (or the confirmation); POST: the action.
ACTION_METHODS = require_http_methods(["GET", "POST"])


@ACTION_METHODS
def ip_add(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = forms.IpAddForm(request.POST or None)
    action = form_action(
        request, ref, form, "ip_add_form", "ip-add-form", "Add addresses", template=NETWORK
    )
    action.context["ip_add_form"] = form
    action.field_map = {"addresses": "count"}

    def perform(actor: Actor, client: BigVClient) -> IpAllocation:
        data = form.cleaned_data
        return services.ip_add(
            actor=actor,
            client=client,
            ref=ref,
            count=data["count"],
            family=data["family"],
            reason=data["reason"],
        )

    def succeeded(made: IpAllocation) -> HttpResponse:
        return _done(request, action, ref, f"Added {', '.join(made.ips)} to {ref.vm}.")

    return action.run(perform, succeeded)


@ACTION_METHODS
def ip_delete(
    request: HtmxHttpRequest, account: str, group: str, vm: str, address: str
) -> HttpResponse:
    address = _address(address)
    ref = ref_from(request, account, group, vm)
    form = forms.IpDeleteForm(request.POST or None, address=address)
    slug = forms.RdnsForm.slug(address)
    action = form_action(
        request,
        ref,
        form,
        "ip_delete_form",
        f"ip-delete-{slug}-form",
        f"Remove {address} from {ref.vm}",
        template=NETWORK,
        address=address,
    )
    action.context["ip_delete_form"] = form
    action.show_form_on_get = True  # without JavaScript: the typed confirmation's own page
    action.danger = True

    def perform(actor: Actor, client: BigVClient) -> IpDeleted:
        return services.ip_delete(actor=actor, client=client, ref=ref, address=address)

    def succeeded(result: IpDeleted) -> HttpResponse:
        message = f"Removed {result.address} from {ref.vm}: it went back to BigV's pool."
        return _done(request, action, ref, message)

    return action.run(perform, succeeded)


def _done(request: HtmxHttpRequest, action: FormAction, ref: VmRef, message: str) -> HttpResponse:
    """Without JavaScript back to the page with ``message``; for htmx the network section as
    BigV reports it now (one read), and the history."""
    if not wants_fragment(request):
        return action.done(message)
    errors_into(request, "network-message")
    with client_for(request.user) as client:
        vm = selectors.vm_detail(client=client, ref=ref)
    shown = shown_ref(ref, vm)
    context = {
        **abilities(request, vm),
        "ref": shown,
        "vm": vm,
        "urls": action_urls(shown),
        "ip_add_form": forms.IpAddForm(),
        "network_message": message,
    }
    response = render(request, f"{NETWORK}#network", context)
    return with_fragments(response, [history_oob(request, shown)])


def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as error:
        raise Http404("Not an IP address") from error
