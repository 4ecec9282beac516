"""Settings that BigV accepts at any time: name, CD-ROM, keymap, lock and autoreboot."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from panel.bigv import BigVClient, VirtualMachine
from panel.core.actor import Actor
from panel.core.names import segment
from panel.vms import forms, services
from panel.vms.refs import VmRef
from panel.web.actions import FormAction
from panel.web.htmx import HtmxHttpRequest, wants_fragment

from ._context import buttons_action, form_action, render_panel
from ._support import definitions, detail_url, ref_from

# GET: back to the VM page (or a confirmation); POST: the action.
ACTION_METHODS = require_http_methods(["GET", "POST"])


@ACTION_METHODS
def rename(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = forms.RenameForm(request.POST or None, current=ref.vm)
    action = form_action(request, ref, form, "rename_form", "rename-form", "Rename", opens=True)

    def perform(actor: Actor, client: BigVClient) -> VirtualMachine:
        return services.vm_rename(
            actor=actor, client=client, ref=ref, name=form.cleaned_data["name"]
        )

    def succeeded(result: VirtualMachine) -> HttpResponse:
        # The name is in the URL, the title, the hostname and every form's address: load
        # the page at its new address instead of patching all of them.
        messages.success(request, f"Renamed {ref.vm} to {result.name}.")
        url = detail_url(ref.renamed(segment(result.name, result.id)))
        return HttpResponseClientRedirect(url) if wants_fragment(request) else redirect(url)

    return action.run(perform, succeeded)


@ACTION_METHODS
def cdrom(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = forms.CdromForm(request.POST or None)
    action = form_action(request, ref, form, "cdrom_form", "cdrom-form", "CD-ROM", opens=True)
    action.field_map = {"cdrom_url": "url"}

    def perform(actor: Actor, client: BigVClient) -> VirtualMachine:
        return services.vm_set_cdrom(actor=actor, client=client, ref=ref, url=form.new_url())

    def succeeded(result: VirtualMachine) -> HttpResponse:
        if result.cdrom_url:
            message = f"Inserted the ISO into {result.name}'s CD-ROM drive."
        else:
            message = f"Ejected the CD-ROM of {result.name}."
        return _panel_or_redirect(action, request, ref, result, message)

    return action.run(perform, succeeded)


@ACTION_METHODS
def keymap(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    # Opened on demand with the VM's keymap chosen (the panel's button carries it).
    current = request.GET.get("current", "")
    form = forms.KeymapForm(
        request.POST or None,
        definitions=definitions(),
        initial={"keymap": current or forms.KeymapForm.NONE},
    )
    action = form_action(
        request,
        ref,
        form,
        "keymap_form",
        "keymap-form",
        "Keymap",
        opens=True,
        current_keymap=current,
    )

    def perform(actor: Actor, client: BigVClient) -> VirtualMachine:
        return services.vm_set_keymap(actor=actor, client=client, ref=ref, keymap=form.new_keymap())

    def succeeded(result: VirtualMachine) -> HttpResponse:
        shown = result.keymap or "none (the default)"
        return _panel_or_redirect(
            action, request, ref, result, f"Keymap of {result.name} is now {shown}."
        )

    return action.run(perform, succeeded)


@ACTION_METHODS
def hardware_profile_lock(
    request: HtmxHttpRequest, account: str, group: str, vm: str
) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = forms.FlagForm(request.POST or None, attribute="hardware_profile_locked")
    action = _toggle_action(request, ref, form, "Hardware profile lock")

    def perform(actor: Actor, client: BigVClient) -> VirtualMachine:
        return services.vm_set_hardware_profile_lock(
            actor=actor,
            client=client,
            ref=ref,
            locked=form.cleaned_data["value"],
        )

    def succeeded(result: VirtualMachine) -> HttpResponse:
        state = "locked" if result.hardware_profile_locked else "unlocked"
        return _panel_or_redirect(
            action, request, ref, result, f"Hardware profile of {result.name} {state}."
        )

    return action.run(perform, succeeded)


@ACTION_METHODS
def autoreboot(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = forms.FlagForm(request.POST or None, attribute="autoreboot_on")
    action = _toggle_action(request, ref, form, "Auto-reboot")

    def perform(actor: Actor, client: BigVClient) -> VirtualMachine:
        return services.vm_set_autoreboot(
            actor=actor,
            client=client,
            ref=ref,
            enabled=form.cleaned_data["value"],
        )

    def succeeded(result: VirtualMachine) -> HttpResponse:
        state = "on" if result.autoreboot_on else "off"
        return _panel_or_redirect(
            action, request, ref, result, f"Auto-reboot of {result.name} is {state}."
        )

    return action.run(perform, succeeded)


def _toggle_action(
    request: HtmxHttpRequest, ref: VmRef, form: forms.FlagForm, title: str
) -> FormAction:
    return buttons_action(request, ref, form, title, "settings-errors")


def _panel_or_redirect(
    action: FormAction, request: HtmxHttpRequest, ref: VmRef, vm: VirtualMachine, message: str
) -> HttpResponse:
    if not wants_fragment(request):
        return action.done(message)
    return render_panel(request, ref, vm, message=message)
