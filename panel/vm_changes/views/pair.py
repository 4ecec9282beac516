"""Changes that involve a second VM: swap addresses with it, move a disc to it.

Each is planned and confirmed like any other change (``Flow``); the other VM is chosen among
the account's VMs the person may change (their kept BigV scope: no API call to show the
form), and both are read when the plan is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms import BaseForm
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from panel.access.levels import Need
from panel.access.policy import require_on_path, vms_allowing
from panel.bigv import BigVClient
from panel.vm_changes.forms.pair import DiscMoveForm, SwapForm
from panel.vm_changes.plans import Plan
from panel.vm_changes.plans.pair import plan_disc_move, plan_ip_swap
from panel.vms.refs import VmRef
from panel.web.htmx import HtmxHttpRequest

from .flow import Flow

ACTIONS = ("GET", "POST")


def _flow(
    request: HtmxHttpRequest,
    ref: VmRef,
    title: str,
    make_form: Callable[..., BaseForm],
    plan: Callable[[BigVClient, BaseForm, Any], Plan],
) -> HttpResponse:
    cancel = reverse("vms:detail", kwargs=ref.url_kwargs())
    return Flow(
        request=request,
        title=title,
        make_form=make_form,
        plan=plan,
        cancel_url=cancel,
        context={"ref": ref},
    ).run()


@require_http_methods(ACTIONS)
def ip_swap(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    require_on_path(request.user, account, group, vm, Need.MANAGE)
    ref = VmRef(account=account, group=group, vm=vm)
    places = vms_allowing(request.user, account, Need.MANAGE)

    def make_form(data: Any = None, initial: Any = None) -> BaseForm:
        return SwapForm(data, initial=initial, account=account, current=ref, places=places)

    def plan(client: BigVClient, form: BaseForm, _: Any) -> Plan:
        kwargs = form.plan_kwargs()  # type: ignore[attr-defined]
        return plan_ip_swap(client=client, ref=ref, **kwargs)

    return _flow(request, ref, f"Swap the addresses of {vm} with another VM", make_form, plan)


@require_http_methods(ACTIONS)
def disc_move(
    request: HtmxHttpRequest, account: str, group: str, vm: str, disc: int
) -> HttpResponse:
    require_on_path(request.user, account, group, vm, Need.MANAGE)
    ref = VmRef(account=account, group=group, vm=vm)
    places = vms_allowing(request.user, account, Need.MANAGE)

    def make_form(data: Any = None, initial: Any = None) -> BaseForm:
        return DiscMoveForm(
            data,
            initial=initial,
            account=account,
            current=ref,
            places=places,
            label="Move it to",
        )

    def plan(client: BigVClient, form: BaseForm, _: Any) -> Plan:
        kwargs = form.plan_kwargs()  # type: ignore[attr-defined]
        return plan_disc_move(client=client, ref=ref, disc_id=disc, **kwargs)

    return _flow(request, ref, f"Move a disc of {vm} to another VM", make_form, plan)
