"""Template context and fragments of the VM page, shared by the page and the actions."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django_htmx.http import reswap, retarget

from panel.access.levels import Need
from panel.access.policy import require_on_path, vm_abilities
from panel.audit.selectors import entries_for_target
from panel.bigv import BigVError, Definitions, VirtualMachine
from panel.credentials.selectors import credential_for
from panel.vms import forms
from panel.vms.refs import VmRef
from panel.web.actions import FormAction
from panel.web.htmx import HtmxHttpRequest, with_fragments
from panel.web.reversing import url_setting

from ._support import ACTION_PAGE, carried_on_confirm, definitions, detail_url

PANEL = "vms/_panel.html#panel"
HISTORY = "vms/_history.html#history"
HISTORY_LIMIT = 50

# What the VM page links to, each a URL of this VM: its own actions, and the pages of the
# other apps that act on it (the changes with a plan, its console's ticket, its access).
_VM_URLS = {
    **{
        name: f"vms:{name}"
        for name in (
            "detail",
            "panel",
            "lower",
            "start",
            "stop",
            "reboot",
            "powerdown",
            "reset",
            "sendkey",
            "rename",
            "cdrom",
            "keymap",
            "hardware_profile_lock",
            "autoreboot",
            "delete",
            "undelete",
            "purge",
            "ip_add",
            "rescue",
            "rescue_leave",
        )
    },
    **{
        name: f"vm_changes:{name}"
        for name in ("spec_change", "move", "graceful_restart", "graceful_shutdown", "reimage")
    },
    "console_ticket": "console:ticket",
    "access": "grants:vm",
}


def action_urls(ref: VmRef) -> Mapping[str, str]:
    """The VM's URLs, which the panel draws with every render: twenty-seven ``reverse()``
    calls, about 0.4 ms, so kept per process by what they depend on (read-only)."""
    return _action_urls(ref.account, ref.group, ref.vm, *url_setting())


@functools.lru_cache(maxsize=2048)
def _action_urls(
    account: str, group: str, vm: str, _prefix: str, _urlconf: object
) -> Mapping[str, str]:
    kwargs = {"account": account, "group": group, "vm": vm}
    return MappingProxyType({key: reverse(name, kwargs=kwargs) for key, name in _VM_URLS.items()})


def shown_ref(ref: VmRef, vm: VirtualMachine) -> VmRef:
    """Links and forms name the VM as BigV does now (a URL may have used its id), unless
    that name could not be a URL segment: the API's data is shown, never trusted for shape."""
    name = vm.name if forms.dns_label_errors(vm.name) is None else ref.vm
    return VmRef(account=ref.account, group=ref.group, vm=name, vm_id=vm.id)


def safe_definitions() -> Definitions:
    """For drawing forms after an action has already succeeded: a definitions outage must
    not turn a done action into an error page (the next submit validates for real)."""
    try:
        return definitions()
    except BigVError:
        return Definitions()


def panel_forms(ref: VmRef, vm: VirtualMachine | None) -> dict[str, Any]:
    """The unbound forms drawn with the panel, and what the others open with."""
    # Rename, CD-ROM, keymap and send keys open on demand (vms/_panel.html): only the purge
    # form, whose typed confirmation is the danger zone itself, is drawn with the panel.
    return {
        "purge_form": forms.PurgeForm(vm_name=ref.vm),
        "current_keymap": (vm.keymap or "") if vm is not None else "",
    }


def disc_context(vm: VirtualMachine, defs: Definitions) -> dict[str, Any]:
    return {
        "disc_form": forms.DiscCreateForm(definitions=defs),
        "disc_labels": [disc.label for disc in vm.discs],
    }


def history(vm_id: int | None) -> list[Any]:
    if vm_id is None:
        return []
    return list(entries_for_target("vm", str(vm_id), limit=HISTORY_LIMIT))


def history_oob(request: HtmxHttpRequest, ref: VmRef) -> str:
    """The history again, as an out-of-band swap, so the entry just written appears."""
    context = {"entries": history(ref.vm_id), "oob": True}
    return render_to_string(HISTORY, context, request=request)


def abilities(request: HttpRequest, vm: VirtualMachine) -> dict[str, Any]:
    """What the person may do to this VM (the page offers only that), and the BigV user
    they act as (the console instructions name it)."""
    credential = credential_for(request.user)
    can = vm_abilities(request.user, vm.id)
    return {
        "can": can,
        # Discs and addresses are shown without their forms (_discs.html, _network.html).
        "read_only": not can.manage,
        "bigv_username": credential.bigv_username if credential is not None else "",
    }


def page_context(
    request: HttpRequest,
    ref: VmRef,
    vm: VirtualMachine,
    defs: Definitions,
    *,
    lower: bool = False,
) -> dict[str, Any]:
    """What the VM page draws: its panel, and with ``lower`` the sections below it (discs,
    backups, network, history: vms/_lower.html), which a page usually loads as they come
    into view."""
    ref = shown_ref(ref, vm)
    context = {
        **abilities(request, vm),
        "ref": ref,
        "vm": vm,
        "urls": action_urls(ref),
        **panel_forms(ref, vm),
        "lower": lower,
    }
    if lower:
        context.update(
            disc_context(vm, defs), ip_add_form=forms.IpAddForm(), entries=history(vm.id)
        )
    return context


def render_panel(
    request: HtmxHttpRequest,
    ref: VmRef,
    vm: VirtualMachine,
    *,
    message: str = "",
    refresh: bool = False,
    with_history: bool = True,
) -> HttpResponse:
    """#vm-panel drawn from the VM the API just returned (a PUT answers with the VM)."""
    ref = shown_ref(ref, vm)
    context = {
        **abilities(request, vm),
        "ref": ref,
        "vm": vm,
        "urls": action_urls(ref),
        "message": message,
        "refresh": refresh,
        **panel_forms(ref, vm),
    }
    response = render(request, PANEL, context)
    if with_history:
        with_fragments(response, [history_oob(request, ref)])
    return response


def render_message(
    request: HtmxHttpRequest, ref: VmRef, message: str, *, refresh: bool = False
) -> HttpResponse:
    """Only the panel's message slot: for a signal, whose answer carries no VM state."""
    context = {"ref": ref, "urls": action_urls(ref), "message": message, "refresh": refresh}
    response = with_fragments(
        render(request, "vms/_panel.html#message", context), [history_oob(request, ref)]
    )
    retarget(response, "#vm-message")
    reswap(response, "innerHTML")
    return response


def form_action(
    request: HtmxHttpRequest,
    ref: VmRef,
    form: Any,
    name: str,
    form_id: str,
    title: str,
    *,
    template: str = "vms/_panel.html",
    opens: bool = False,
    **extra: Any,
) -> FormAction:
    """An action whose form is the partial ``name`` of ``template``, in context as ``name``;
    ``opens``: the form opens on demand in place of its button, the partial ``<name>``
    with ``_form`` replaced by ``_opener``.

    Opening one asks BigV nothing: the person's kept scope decides (404 for a VM they cannot
    see, the reason in words when they may not change it), as for every form a page offers.
    """
    opener = f"{template}#{name.removesuffix('_form')}_opener" if opens else ""
    if opens and request.method == "GET":
        require_on_path(request.user, ref.account, ref.group, ref.vm, Need.MANAGE)
    return FormAction(
        opener=opener,
        request=request,
        form=form,
        title=title,
        # Only a browser without JavaScript goes back by this link: to the whole page.
        back_url=detail_url(ref, every_section=True),
        fragment=f"{template}#{name}",
        form_id=form_id,
        error_slot=f"{form_id}-errors",
        page=ACTION_PAGE,
        context={"ref": ref, name: form, "urls": action_urls(ref), **extra},
    )


def buttons_action(
    request: HtmxHttpRequest,
    ref: VmRef,
    form: Any,
    title: str,
    error_slot: str,
    *,
    confirm: str = "",
) -> FormAction:
    """An action of buttons only (power, toggles, deletes): its errors go to ``error_slot``;
    with ``confirm``, a GET asks first (and the action is styled as dangerous)."""
    return FormAction(
        request=request,
        form=form,
        title=title,
        back_url=detail_url(ref, every_section=True),
        error_slot=error_slot,
        page=ACTION_PAGE,
        context={"ref": ref, "urls": action_urls(ref)},
        confirm=confirm,
        danger=bool(confirm),
        carried=lambda key: carried_on_confirm(key) or key in form.fields,
    )
