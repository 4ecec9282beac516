"""Create a VM in an account: the form (discs as a formset), its plan, then the operation."""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm, BaseFormSet
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from panel.access.levels import Need
from panel.access.policy import Denied, NotVisible, account_abilities, groups_allowing
from panel.access.roles import may_change, role_name
from panel.bigv import BigVClient
from panel.credentials.clients import client_for, definitions
from panel.vm_changes import selectors, services
from panel.vm_changes.forms import CreateVmForm, disc_formset
from panel.vm_changes.plans import Plan
from panel.web.htmx import HtmxHttpRequest

from .changes import _valid_names
from .flow import Flow


@require_http_methods(["GET", "POST"])
def create_vm(request: HtmxHttpRequest, account: str) -> HttpResponse:
    defs = definitions()
    if not account_abilities(request.user, account).visible:
        raise NotVisible()
    if not may_change(request.user):
        raise Denied(f"Your panel role ({role_name(request.user)}) changes nothing in BigV.")
    allowed = groups_allowing(request.user, account, Need.LIFECYCLE)
    if not allowed:
        raise Denied(f"Your BigV user may not create VMs in any group of {account}.")
    if request.method == "GET":
        with client_for(request.user) as client:
            groups = selectors.group_names(client=client, account=account)
    else:
        # As on the move form: the group choices ride along, so invalid input costs no
        # API call; the plan checks that the group exists and the name is free.
        groups = _valid_names(request.POST.getlist("choice_group"))
    groups = [name for name in groups if name in allowed]  # only where one may create
    wanted_group = request.GET.get("group", "")
    initial: dict[str, Any] = {"group": wanted_group} if wanted_group in groups else {}

    def make_form(data: Any = None, initial: Any = None) -> BaseForm:
        return CreateVmForm(
            data,
            initial=initial,
            groups=groups,
            zones=defs.zone_names,
            hardware_profiles=defs.hardware_profiles,
            distributions=defs.distributions,
        )

    def make_formset(data: Any = None, add_row: bool = False) -> BaseFormSet:
        return disc_formset(data, grades=defs.storage_grades, add_row=add_row)

    def plan(client: BigVClient, form: BaseForm, discs: Any) -> Plan:
        spec = form.spec(discs)  # type: ignore[attr-defined]
        group = form.cleaned_data["group"]
        return services.plan_create(client=client, account=account, group=group, spec=spec)

    cancel = reverse("accounts:account", kwargs={"account": account})
    if wanted_group in groups:
        cancel = reverse("accounts:group", kwargs={"account": account, "group": wanted_group})
    return Flow(
        request=request,
        title=f"Create a VM in {account}",
        make_form=make_form,
        make_formset=make_formset,
        plan=plan,
        cancel_url=cancel,
        initial=initial,
        context={"account": account, "group_name": "", "carried_groups": groups},
        template="vm_changes/create.html",
    ).run()
