"""Reading a VM: the page (at most two API calls), its panel again, one address's rDNS."""

from __future__ import annotations

import ipaddress

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from panel.access.policy import path_abilities
from panel.bigv import BigVClient, Ip, NotFound
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.vms import forms, locate, selectors, services
from panel.vms.refs import VmRef
from panel.web.errors import NOT_FOUND_MESSAGE, errors_into
from panel.web.htmx import HtmxHttpRequest, wants_fragment, with_fragments

from ._context import PANEL, action_urls, form_action, history_oob, page_context
from ._support import ACTION_PAGE, definitions, detail_url, ref_from

RDNS = "vms/_network.html#rdns"
LOWER = "vms/_lower.html#sections"


@require_GET
def detail(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    """The VM page. Its sections below the panel load when they come into view (``lower``),
    or with the page itself when asked for (``?all=1``: the page's link for browsers
    without JavaScript)."""
    ref = VmRef(account=account, group=group, vm=vm)
    include_deleted = request.GET.get("deleted") == "1"
    every_section = request.GET.get("all") == "1"
    defs = definitions()  # cached for everyone; not one of the page's API calls
    with client_for(request.user) as client:
        try:
            found = selectors.vm_detail(client=client, ref=ref, include_deleted=include_deleted)
        except NotFound:
            # An old link to a VM that was moved or renamed since: send the person on.
            moved = locate.moved_to(request.user, client, ref)
            if moved is None:
                raise
            return redirect(detail_url(moved))
    context = page_context(request, ref, found, defs, lower=every_section)
    return render(request, "vms/detail.html", context)


@require_GET
def lower(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    """The sections below the panel (discs, backups, network, history), asked for by the
    page when the person scrolls to them: one more read of the VM, made only then."""
    ref = VmRef(account=account, group=group, vm=vm)
    if not wants_fragment(request):
        return redirect(f"{detail_url(ref)}?all=1")
    defs = definitions()
    with client_for(request.user) as client:
        found = selectors.vm_detail(client=client, ref=ref)
    return render(request, LOWER, page_context(request, ref, found, defs, lower=True))


@require_GET
def by_id(request: HtmxHttpRequest, vm_id: int) -> HttpResponse:
    """The VM's page by its id: the links that must outlive renames and moves."""
    with client_for(request.user) as client:
        found = locate.place_of(request.user, client, vm_id)
    if found is None:
        raise Http404(NOT_FOUND_MESSAGE)
    ref, deleted = found
    return redirect(detail_url(ref, deleted=deleted))


@require_GET
def panel(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    """#vm-panel read again (after a signal or reboot, or "Refresh status")."""
    ref = VmRef(account=account, group=group, vm=vm)
    if not wants_fragment(request):
        return redirect(detail_url(ref))
    errors_into(request, "vm-message")  # the panel stays; its message says what went wrong
    defs = definitions()
    with client_for(request.user) as client:
        found = selectors.vm_detail(client=client, ref=ref)
    return render(request, PANEL, page_context(request, ref, found, defs))


@require_http_methods(["GET", "POST"])
def ip_rdns(
    request: HtmxHttpRequest, account: str, group: str, vm: str, address: str
) -> HttpResponse:
    """GET: the address's rDNS with its form (loaded lazily, one call per address).
    POST: set it (one call)."""
    address = _address(address)
    ref = ref_from(request, account, group, vm)
    slot = f"rdns-{forms.RdnsForm.slug(address)}"
    if request.method == "GET":
        return _rdns_get(request, ref, address, slot)

    form = forms.RdnsForm(request.POST, address=address)
    action = form_action(
        request,
        ref,
        form,
        "rdns",
        f"{slot}-form",
        f"Reverse DNS of {address}",
        template="vms/_network.html",
        rdns_form=form,
        address=address,
        editable=True,
    )

    def perform(actor: Actor, client: BigVClient) -> Ip:
        return services.ip_set_rdns(
            actor=actor,
            client=client,
            ref=ref,
            address=address,
            rdns=form.cleaned_data["rdns"],
        )

    def succeeded(ip: Ip) -> HttpResponse:
        message = f"Reverse DNS of {ip.address} is now {ip.rdns}."
        if not wants_fragment(request):
            return action.done(message)
        response = render(request, RDNS, _rdns_context(ref, address, ip, message=message))
        return with_fragments(response, [history_oob(request, ref)])

    # The form re-renders the whole cell (its id is the slot's), not just the <form>.
    action.form_id = slot
    return action.run(perform, succeeded)


def _rdns_get(request: HtmxHttpRequest, ref: VmRef, address: str, slot: str) -> HttpResponse:
    errors_into(request, slot)  # the lazy cell shows a problem in place; the page is fine
    with client_for(request.user) as client:
        ip = selectors.ip_rdns(client=client, address=address)
    # The form only for a person who may change the VM (the POST checks again).
    may_edit = path_abilities(request.user, ref.account, ref.group, ref.vm).manage
    readonly = request.GET.get("readonly") == "1" or not may_edit
    context = _rdns_context(ref, address, ip, readonly=readonly)
    if wants_fragment(request):
        return render(request, RDNS, context)
    context.update(
        form_template=RDNS,
        title=f"Reverse DNS of {address}",
        standalone=True,
        cancel_url=detail_url(ref),
    )
    return render(request, ACTION_PAGE, context)


def _rdns_context(
    ref: VmRef, address: str, ip: Ip, *, message: str = "", readonly: bool = False
) -> dict[str, object]:
    initial = {"rdns": ip.rdns or ""}
    return {
        "ref": ref,
        "urls": action_urls(ref),
        "address": address,
        "ip": ip,
        "rdns_form": forms.RdnsForm(address=address, initial=initial),
        "editable": True,
        "readonly": readonly,
        "message": message,
    }


def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as error:
        raise Http404("Not an IP address") from error
