"""Reading a VM: the page (at most two API calls), its panel again, one address's rDNS."""

from __future__ import annotations

import ipaddress

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from panel.bigv import BigVClient, Ip
from panel.core.actor import Actor
from panel.credentials import clients as core_bigv
from panel.vms import forms, selectors, services
from panel.vms.refs import VmRef
from panel.web.errors import bigv_errors, render_api_error

from ._context import PANEL, action_urls, form_action, history_oob, page_context
from ._support import HANDLED, definitions, detail_url, hx_retarget, is_htmx, ref_from

RDNS = "vms/_network.html#rdns"


@require_GET
@bigv_errors
def detail(request: HttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = VmRef(account=account, group=group, vm=vm)
    include_deleted = request.GET.get("deleted") == "1"
    defs = definitions()  # cached for everyone; not one of the page's API calls
    with core_bigv.client_for(request.user) as client:
        found = selectors.vm_detail(client=client, ref=ref, include_deleted=include_deleted)
    return render(request, "vms/detail.html", page_context(ref, found, defs))


@require_GET
@bigv_errors
def panel(request: HttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    """#vm-panel read again (after a signal or reboot, or "Refresh status")."""
    ref = VmRef(account=account, group=group, vm=vm)
    if not is_htmx(request):
        return redirect(detail_url(ref))
    try:
        defs = definitions()
        with core_bigv.client_for(request.user) as client:
            found = selectors.vm_detail(client=client, ref=ref)
    except HANDLED as error:
        return _into(render_api_error(request, error), "vm-message")
    return render(request, PANEL, page_context(ref, found, defs))


@require_http_methods(["GET", "POST"])
@bigv_errors
def ip_rdns(request: HttpRequest, account: str, group: str, vm: str, address: str) -> HttpResponse:
    """GET: the address's rDNS with its form (loaded lazily, one call per address).
    POST: set it (one call)."""
    address = _address(address)
    ref = ref_from(request, account, group, vm)
    slot = f"rdns-{forms.RdnsForm.slug(address)}"
    if request.method == "GET":
        return _rdns_get(request, ref, address, slot)

    form = forms.RdnsForm(request.POST, address=address)
    runner = form_action(
        request, ref, form, "rdns", f"{slot}-form", f"Reverse DNS of {address}",
        template="vms/_network.html", rdns_form=form, address=address, editable=True,
    )  # fmt: skip

    def perform(actor: Actor, client: BigVClient) -> Ip:
        return services.ip_set_rdns(
            actor=actor,
            client=client,
            ref=ref,
            address=address,
            rdns=form.cleaned_data["rdns"],
            before=form.shown(),
        )

    def succeeded(ip: Ip) -> HttpResponse:
        message = f"Reverse DNS of {ip.address} is now {ip.rdns}."
        if not is_htmx(request):
            return runner.done(message)
        response = render(request, RDNS, _rdns_context(ref, address, ip, message=message))
        response.content += history_oob(request, ref).encode()
        return response

    # The form re-renders the whole cell (its id is the slot's), not just the <form>.
    runner.form_id = slot
    return runner.run(perform, succeeded)


def _rdns_get(request: HttpRequest, ref: VmRef, address: str, slot: str) -> HttpResponse:
    try:
        with core_bigv.client_for(request.user) as client:
            ip = selectors.ip_rdns(client=client, address=address)
    except HANDLED as error:
        response = render_api_error(request, error)
        if is_htmx(request):
            # The lazy cell shows the problem in place; the page itself is fine.
            response.status_code = 200
            return hx_retarget(response, slot, swap="innerHTML")
        return response
    context = _rdns_context(ref, address, ip, readonly=request.GET.get("readonly") == "1")
    if is_htmx(request):
        return render(request, RDNS, context)
    context.update(
        form_template=RDNS, title=f"Reverse DNS of {address}", standalone=True,
        cancel_url=detail_url(ref),
    )  # fmt: skip
    return render(request, "vms/action.html", context)


def _rdns_context(
    ref: VmRef, address: str, ip: Ip, *, message: str = "", readonly: bool = False
) -> dict[str, object]:
    initial = {"rdns": ip.rdns or "", "shown_rdns": ip.rdns or ""}
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


def _into(response: HttpResponse, slot: str) -> HttpResponse:
    if response.status_code >= 400:
        response.status_code = 200
        hx_retarget(response, slot, swap="innerHTML")
    return response
