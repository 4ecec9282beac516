"""Power actions and key presses: one POST, one API call, the panel (or its message) back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from panel.bigv import BigVClient, VirtualMachine
from panel.core.actor import Actor
from panel.vms import forms, services
from panel.vms.services import SignalSent
from panel.web.htmx import HtmxHttpRequest, wants_fragment

from ._context import buttons_action, form_action, render_message, render_panel
from ._support import definitions, ref_from


@dataclass(frozen=True)
class PowerAction:
    service: Callable[..., VirtualMachine | SignalSent]
    title: str
    done: str  # "{name}" is the VM's name
    confirm: str = ""
    # The VM's power is still changing after the call: read it again shortly.
    refresh: bool = False


POWER_ACTIONS: dict[str, PowerAction] = {
    "start": PowerAction(services.vm_power_on, "Start", "Started {name}."),
    "stop": PowerAction(
        services.vm_power_off,
        "Stop (hard)",
        "Stopped {name}.",
        confirm="Stop {name} now? This is like pulling the power plug: unsaved data may be lost.",
    ),
    "reboot": PowerAction(
        services.vm_reboot, "Reboot", "Rebooting {name}: BigV powers it back on.", refresh=True
    ),
    "powerdown": PowerAction(
        services.vm_acpi_powerdown,
        "Shut down (ACPI)",
        "Sent the shutdown signal to {name}; its operating system decides when to power off.",
        refresh=True,
    ),
    "reset": PowerAction(
        services.vm_reset,
        "Reset",
        "Reset {name}.",
        confirm="Reset {name} now? It restarts instantly without shutting down.",
        refresh=True,
    ),
    # The rescue appliance (docs/bigv-api.md §8.8, §13 C78): a hard restart each way.
    "rescue": PowerAction(
        services.vm_rescue_boot,
        "Boot into rescue",
        "{name} is booting BigV's rescue appliance; its own discs are attached but not booted.",
        confirm="Boot {name} into the rescue appliance? If it is running it is stopped hard "
        "first, like pulling the power plug: unsaved data may be lost.",
        refresh=True,
    ),
    "rescue_leave": PowerAction(
        services.vm_rescue_leave,
        "Leave rescue",
        "Restarting {name} from its own discs.",
        confirm="Restart {name} from its own discs now? The rescue system is stopped hard.",
        refresh=True,
    ),
}


@require_http_methods(["GET", "POST"])
def power(request: HtmxHttpRequest, account: str, group: str, vm: str, action: str) -> HttpResponse:
    spec = POWER_ACTIONS[action]
    ref = ref_from(request, account, group, vm)
    form = forms.PowerForm(request.POST or None)
    handler = buttons_action(
        request, ref, form, spec.title, "power-errors", confirm=spec.confirm.format(name=ref.vm)
    )

    def perform(actor: Actor, client: BigVClient) -> VirtualMachine | SignalSent:
        return spec.service(actor=actor, client=client, ref=ref)

    def succeeded(result: VirtualMachine | SignalSent) -> HttpResponse:
        name = result.name if isinstance(result, VirtualMachine) else ref.vm
        message = spec.done.format(name=name)
        if not wants_fragment(request):
            return handler.done(message)
        if isinstance(result, VirtualMachine):
            return render_panel(request, ref, result, message=message, refresh=spec.refresh)
        return render_message(request, ref, message, refresh=spec.refresh)

    return handler.run(perform, succeeded)


@require_http_methods(["GET", "POST"])
def sendkey(request: HtmxHttpRequest, account: str, group: str, vm: str) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = forms.SendkeyForm(request.POST or None, definitions=definitions())
    action = form_action(
        request, ref, form, "sendkey_form", "sendkey-form", "Send keys", opens=True
    )

    def perform(actor: Actor, client: BigVClient) -> SignalSent:
        return services.vm_sendkey(actor=actor, client=client, ref=ref, keys=form.combination())

    def succeeded(result: SignalSent) -> HttpResponse:
        message = f"Sent {result.data} to {ref.vm}."
        if not wants_fragment(request):
            return action.done(message)
        return render_message(request, ref, message)

    return action.run(perform, succeeded)
