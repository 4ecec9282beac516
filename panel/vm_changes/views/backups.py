"""The changes that involve backups: restoring one (an operation that powers the VM off and
on again), and reimage, which erases the main disc (with a backup of it first, by default)."""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from panel.access.levels import Need
from panel.access.policy import require_on_path
from panel.bigv import BigVClient
from panel.credentials.clients import definitions
from panel.vm_changes import services
from panel.vm_changes.forms import ReimageForm
from panel.vm_changes.forms.restore import RestoreForm
from panel.vm_changes.plans import Plan
from panel.vms.refs import VmRef
from panel.web.htmx import HtmxHttpRequest

from .changes import _vm_url
from .flow import Flow

ACTIONS = ("GET", "POST")


@require_http_methods(ACTIONS)
def restore(
    request: HtmxHttpRequest, account: str, group: str, vm: str, disc: int, backup: int
) -> HttpResponse:
    require_on_path(request.user, account, group, vm, Need.MANAGE)
    ref = VmRef(account=account, group=group, vm=vm)

    def make_form(data: Any = None, initial: Any = None) -> BaseForm:
        return RestoreForm(data, initial=initial)

    def plan(client: BigVClient, form: BaseForm, _: Any) -> Plan:
        kwargs = form.plan_kwargs()  # type: ignore[attr-defined]
        return services.plan_restore(
            client=client, ref=ref, disc_id=disc, backup_id=backup, **kwargs
        )

    return Flow(
        request=request,
        title=f"Restore a backup onto {vm}",
        make_form=make_form,
        plan=plan,
        cancel_url=_vm_url(ref),
        context={"ref": ref, "danger": True, "disc_id": disc, "backup_id": backup},
        template="vm_changes/restore.html",
    ).run()


@require_http_methods(ACTIONS)
def reimage(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    require_on_path(request.user, account, group, vm, Need.MANAGE)
    ref = VmRef(account=account, group=group, vm=vm)
    distributions = definitions().distributions

    def make_form(data: Any = None, initial: Any = None) -> BaseForm:
        return ReimageForm(data, initial=initial, distributions=distributions, vm_name=vm)

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
