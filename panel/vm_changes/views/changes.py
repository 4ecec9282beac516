"""Forms that change one existing VM: spec, move, reimage, graceful restart/shutdown.

Each builds a ``Flow`` (views/_flow.py): which form, and which ``plan_*`` service plans it.
The GET of the spec form reads the VM once to show its current values; the others need no
API call until the plan (choices come from the cached definitions or ride in the form).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from panel.access.levels import Need
from panel.access.policy import places_allowing, require_on_path
from panel.bigv import BigVClient
from panel.credentials.clients import client_for, definitions
from panel.inventory.validation import validate_group_name
from panel.vm_changes import forms, selectors, services
from panel.vm_changes.plans import Plan
from panel.vms.refs import VmRef
from panel.web.htmx import HtmxHttpRequest

from .flow import Flow

ACTIONS = ("GET", "POST")


def _ref(account: str, group: str, vm: str) -> VmRef:
    return VmRef(account=account, group=group, vm=vm)


def _vm_url(ref: VmRef) -> str:
    return reverse("vms:detail", kwargs=ref.url_kwargs())


@require_http_methods(ACTIONS)
def spec_change(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    require_on_path(request.user, account, group, vm, Need.MANAGE)
    ref = _ref(account, group, vm)
    profiles = definitions().hardware_profiles
    initial: dict[str, Any] = {}
    if request.method == "GET":
        # The VM's current values, so the user edits from what is there (one API read).
        with client_for(request.user) as client:
            current = selectors.vm_now(client=client, ref=ref)
        initial = {"cores": current.cores, "memory": Decimal(current.memory) / 1024}

    def make_form(data: Any = None, initial: Any = None) -> BaseForm:
        return forms.SpecForm(data, initial=initial, hardware_profiles=profiles)

    def plan(client: BigVClient, form: BaseForm, _: Any) -> Plan:
        kwargs = form.plan_kwargs()  # type: ignore[attr-defined]
        return services.plan_spec_change(client=client, ref=ref, **kwargs)

    return Flow(
        request=request,
        title=f"Change the spec of {vm}",
        make_form=make_form,
        plan=plan,
        cancel_url=_vm_url(ref),
        initial=initial,
        context={"ref": ref},
    ).run()


@require_http_methods(ACTIONS)
def move(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    require_on_path(request.user, account, group, vm, Need.LIFECYCLE)
    ref = _ref(account, group, vm)
    if request.method == "GET":
        with client_for(request.user) as client:
            groups = selectors.group_names(client=client, account=account)
    else:
        # The choices the page showed ride along, so an invalid form costs no API call;
        # whether the chosen group exists is the plan's business.
        groups = _valid_names(request.POST.getlist("choice_group"))

    # Groups of the other accounts the person may move VMs into (their kept scope).
    elsewhere = [p for p in places_allowing(request.user, Need.LIFECYCLE) if p[0] != account]

    def make_form(data: Any = None, initial: Any = None) -> BaseForm:
        return forms.MoveForm(
            data, initial=initial, groups=groups, current=group, elsewhere=elsewhere
        )

    def plan(client: BigVClient, form: BaseForm, _: Any) -> Plan:
        kwargs = form.plan_kwargs()  # type: ignore[attr-defined]
        return services.plan_move(client=client, ref=ref, **kwargs)

    return Flow(
        request=request,
        title=f"Move {vm} to another group or account",
        make_form=make_form,
        plan=plan,
        cancel_url=_vm_url(ref),
        context={"ref": ref, "carried_groups": groups},
    ).run()


@require_http_methods(ACTIONS)
def graceful(
    request: HtmxHttpRequest, account: str, group: str, vm: str, *, restart: bool
) -> HttpResponse:
    require_on_path(request.user, account, group, vm, Need.MANAGE)
    ref = _ref(account, group, vm)

    def make_form(data: Any = None, initial: Any = None) -> BaseForm:
        return forms.GraceForm(data, initial=initial)

    def plan(client: BigVClient, form: BaseForm, _: Any) -> Plan:
        kwargs = form.plan_kwargs()  # type: ignore[attr-defined]
        return services.plan_graceful(client=client, ref=ref, restart=restart, **kwargs)

    verb = "Restart" if restart else "Shut down"
    return Flow(
        request=request,
        title=f"{verb} {vm} gracefully",
        make_form=make_form,
        plan=plan,
        cancel_url=_vm_url(ref),
        context={"ref": ref},
    ).run()


def _valid_names(values: list[str]) -> list[str]:
    names: list[str] = []
    for value in values[:200]:
        try:
            validate_group_name(value)
        except ValidationError:  # a tampered choice is simply not offered
            continue
        names.append(value)
    return list(dict.fromkeys(names))


@require_http_methods(ACTIONS)
def reimage(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    require_on_path(request.user, account, group, vm, Need.MANAGE)
    ref = VmRef(account=account, group=group, vm=vm)
    distributions = definitions().distributions

    def make_form(data: Any = None, initial: Any = None) -> BaseForm:
        return forms.ReimageForm(data, initial=initial, distributions=distributions, vm_name=vm)

    def plan(client: BigVClient, form: BaseForm, _: Any) -> Plan:
        kwargs = form.plan_kwargs()  # type: ignore[attr-defined]
        return services.plan_reimage(client=client, ref=ref, **kwargs)

    return Flow(
        request=request,
        title=f"Reimage {vm}",
        make_form=make_form,
        plan=plan,
        cancel_url=_vm_url(ref),
        context={"ref": ref, "danger": True},
        template="vm_changes/reimage.html",
    ).run()
