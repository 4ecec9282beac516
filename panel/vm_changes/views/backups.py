"""Restoring a backup: an operation that powers the VM off and on again. (Reimage, which
takes a backup of the main disc first by default, is with the other changes in changes.py.)"""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from panel.access.levels import Need
from panel.access.policy import require_on_path
from panel.bigv import BigVClient
from panel.vm_changes import services
from panel.vm_changes.forms.restore import RestoreForm
from panel.vm_changes.plans import Plan
from panel.vms.refs import VmRef
from panel.web.htmx import HtmxHttpRequest

from .changes import ACTIONS, _vm_url
from .flow import Flow


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
