"""The shape every direct VM action shares, so each view only says what is particular to it.

An action is one POST. With htmx the answer is a fragment: on success the part of the page
that changed; on a form error the form again with its errors and what the user typed (200 +
``HX-Retarget``, because htmx does not swap 4xx answers by default); on any other BigV error
the message inside the form's error slot. Without JavaScript the same URL answers a POST with
a redirect and a flash message, or a small page holding the form and its errors, and a GET
with the confirmation page for destructive actions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from panel.bigv import BadRequest, BigVClient, BigVError, Definitions
from panel.core.actor import Actor
from panel.credentials import clients as core_bigv
from panel.credentials.clients import NotConnected
from panel.credentials.crypto import CredentialError
from panel.vms.refs import VmRef
from panel.web.errors import apply_field_errors, render_api_error

ACTION_PAGE = "vms/action.html"
ALERT = "vms/_alert.html"
HANDLED = (NotConnected, CredentialError, BigVError)


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def ref_from(request: HttpRequest, account: str, group: str, vm: str) -> VmRef:
    """The VM named by the URL, with the id the page showed (``vm_id``) when posted."""
    raw = request.POST.get("vm_id") or request.GET.get("vm_id") or ""
    vm_id = int(raw) if raw.isdigit() and len(raw) < 19 else None
    return VmRef(account=account, group=group, vm=vm, vm_id=vm_id)


def detail_url(ref: VmRef, *, deleted: bool = False) -> str:
    url = reverse("vms:detail", kwargs=ref.url_kwargs())
    return f"{url}?deleted=1" if deleted else url


def definitions() -> Definitions:
    """Cached for everyone (panel.credentials.clients); choices for keymap, sendkey and grade."""
    value: Definitions = core_bigv.definitions()
    return value


def hx_retarget(response: HttpResponse, target_id: str, swap: str = "outerHTML") -> HttpResponse:
    response["HX-Retarget"] = f"#{target_id}"
    response["HX-Reswap"] = swap
    return response


@dataclass
class ActionRunner:
    """One direct action as a view runs it.

    ``form_template`` renders ``form`` (a partial); ``form_id`` is its DOM id and
    ``errors_id`` the slot that receives BigV's non-form errors (403, 5xx, timeouts…).
    """

    request: HttpRequest
    ref: VmRef
    form: BaseForm
    form_template: str
    form_id: str
    title: str
    errors_id: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    confirm: str = ""  # non-empty: a GET shows this question before the POST
    danger: bool = False
    field_map: Mapping[str, str] | None = None

    def run[R](
        self,
        perform: Callable[[Actor, BigVClient], R],
        succeeded: Callable[[R], HttpResponse],
    ) -> HttpResponse:
        if self.request.method != "POST":
            return self._get()
        if not self.form.is_valid():
            return self.form_failed()
        actor = Actor.from_request(self.request)
        try:
            with core_bigv.client_for(self.request.user) as client:
                result = perform(actor, client)
        except BadRequest as error:
            # Refusals (running-VM rule, taken name…) beside the fields they concern.
            apply_field_errors(self.form, error, field_map=self.field_map)
            return self.form_failed()
        except HANDLED as error:
            return self.api_failed(error)
        return succeeded(result)

    # --- answers ----------------------------------------------------------------------

    def _context(self, **extra: Any) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "form": self.form,
            "form_template": self.form_template,
            "title": self.title,
            **self.context,
            **extra,
        }

    def _get(self) -> HttpResponse:
        if not self.confirm:
            return redirect(detail_url(self.ref))
        # The no-JavaScript confirmation: the hidden state the button carried rides along.
        hidden = [
            (key, value)
            for key, value in self.request.GET.items()
            if key == "vm_id" or key.startswith("shown_") or key in self.form.fields
        ]
        context = self._context(
            question=self.confirm,
            hidden=hidden,
            action_url=self.request.path,
            cancel_url=detail_url(self.ref),
            danger=self.danger,
        )
        return render(self.request, ACTION_PAGE, context)

    def form_failed(self) -> HttpResponse:
        if not self.form_template:
            return self._refused()
        if is_htmx(self.request):
            response = render(self.request, self.form_template, self._context())
            return hx_retarget(response, self.form_id)
        context = self._context(standalone=True, cancel_url=detail_url(self.ref))
        return render(self.request, ACTION_PAGE, context, status=422)

    def _refused(self) -> HttpResponse:
        """A form of buttons only (power, toggles): its errors are BigV refusals or a
        tampered request, shown as one alert in the group's error slot."""
        errors = [str(e) for field_errors in self.form.errors.values() for e in field_errors]
        if not is_htmx(self.request):
            for error in errors:
                messages.error(self.request, error)
            return redirect(detail_url(self.ref))
        response = render(self.request, ALERT, {"errors": errors})
        return hx_retarget(response, self.errors_id, swap="innerHTML")

    def api_failed(self, error: Exception) -> HttpResponse:
        response = render_api_error(self.request, error)
        if is_htmx(self.request) and response.status_code >= 400 and self.errors_id:
            # Into the form's error slot, leaving what the user typed in place.
            response.status_code = 200
            hx_retarget(response, self.errors_id, swap="innerHTML")
        return response

    def done(self, message: str, *, url: str | None = None) -> HttpResponse:
        """The answer without JavaScript: back to the page, with the outcome in words."""
        messages.success(self.request, message)
        return redirect(url or detail_url(self.ref))
