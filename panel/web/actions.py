"""The one way a view makes a change in BigV: form → one service call → page or fragment.

    action = FormAction(request=request, form=form, title="Rename", back_url=vm_page,
                        fragment="vms/_panel.html#rename_form", form_id="rename-form",
                        error_slot="rename-form-errors", page="vms/action.html")
    return action.run(
        lambda actor, client: services.vm_rename(actor=actor, client=client, ...),
        lambda vm: action.done(f"Renamed to {vm.name}."),   # or a fragment for htmx
    )

``run`` validates the form before any API call, builds the acting person and their own
client (closed when the call returns), calls the service, and answers:

- **success**: ``succeeded(result)`` — for htmx the part of the page that changed, without
  JavaScript ``done()``: back to the page with the outcome as a flash message;
- **invalid input** (400) or **BigV refused or failed** (400 beside the fields; 403, 404,
  502/503/504 as a sentence): the form again with its errors and what was typed. For htmx
  the form's fragment replaces the form (``form_id``), or — for a form of buttons only —
  the errors go into ``error_slot``; without JavaScript, ``page`` shows the form;
- **input the BigV object as it is now makes wrong** (``ValidationError`` from a service,
  e.g. growing a disc that is already larger): beside the field, 400;
- **the panel refuses** (``PermissionDenied`` from a service: the person's role or BigV level
  does not allow it, or the VM is busy with an operation): the reason on the form, 403;
- **no usable credential**: the error escapes to ``BigVErrorMiddleware`` (the connection
  page, or the reconnect prompt in ``error_slot``).

Every answer carries its real status: base.html makes htmx swap 4xx/5xx answers. A GET shows
the confirmation of a destructive action (``confirm``), the page with the form
(``show_form_on_get``), or goes back to the page (the action lives on it). A form that opens
on demand (``opener``: the partial of the button that stands in its place) answers an htmx
GET with the form itself, ``?close=1`` with the button again, and a GET without JavaScript
with the form's own page.

Operations that are planned and confirmed before they start use the same pieces
(``panel.vm_changes.views.flow``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import reswap, retarget

from panel.bigv import BadRequest, BigVClient, BigVError
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.web.errors import errors_into, explain, refusal_words
from panel.web.htmx import HtmxHttpRequest, wants_fragment

ACTION_PAGE = "_components/action_page.html"
ERRORS = "_components/form_errors.html"
INVALID = 400  # the input itself was wrong: nothing was sent to BigV


@dataclass
class FormAction:
    request: HtmxHttpRequest
    form: BaseForm
    title: str
    back_url: str  # the page the action lives on: success and "Cancel" go back there
    fragment: str = ""  # the form's partial; "" for a form of buttons only
    form_id: str = ""  # the element the fragment replaces
    error_slot: str = ""  # where errors go when there is no fragment, and reconnect prompts
    page: str = ACTION_PAGE  # the page that holds the form without JavaScript
    context: dict[str, Any] = field(default_factory=dict)
    confirm: str = ""  # non-empty: a GET asks this question before the POST
    danger: bool = False
    show_form_on_get: bool = False
    opener: str = ""  # the partial that stands in for the form until it is opened
    field_map: Mapping[str, str] | None = None
    # Words for a 400 when BigV's own are not enough (e.g. why a group cannot be deleted).
    refusal: Callable[[BadRequest], str] | None = None
    # What a no-JavaScript confirmation carries over from the GET into its POST form.
    carried: Callable[[str], bool] = lambda key: False

    def run[R](
        self,
        perform: Callable[[Actor, BigVClient], R],
        succeeded: Callable[[R], HttpResponse],
    ) -> HttpResponse:
        if self.request.method != "POST":
            return self._get()
        errors_into(self.request, self.error_slot or self.form_id)
        if not self.form.is_valid():
            return self.form_failed(INVALID)
        try:
            with client_for(self.request.user) as client:
                result = perform(Actor.from_request(self.request), client)
        except BadRequest as error:
            if self.refusal is None:
                return self.form_failed(explain(self.form, error, field_map=self.field_map))
            self.form.add_error(None, self.refusal(error))
            return self.form_failed(400)
        except BigVError as error:  # a sentence, not about any field
            return self.failed(explain(self.form, error, field_map=self.field_map))
        except ValidationError as invalid:  # input the thing as it is now makes wrong
            self.form.add_error(None, invalid)
            return self.form_failed(INVALID)
        except PermissionDenied as refusal:  # the panel's own refusal (role, level, busy VM)
            self.form.add_error(None, refusal_words(refusal))
            return self.failed(getattr(refusal, "status", 403))
        return succeeded(result)

    # --- answers ----------------------------------------------------------------------

    def _context(self, **extra: Any) -> dict[str, Any]:
        return {
            "form": self.form,
            "form_template": self.fragment,
            "title": self.title,
            "cancel_url": self.back_url,
            **self.context,
            **extra,
        }

    def _get(self) -> HttpResponse:
        if self.confirm:
            hidden = [(k, v) for k, v in self.request.GET.items() if self.carried(k)]
            context = self._context(
                question=self.confirm,
                hidden=hidden,
                action_url=self.request.path,
                danger=self.danger,
            )
            return render(self.request, self.page, context)
        if self.opener:
            # Opened on purpose: the cursor goes to its first field (htmx honours autofocus
            # in what it swaps in).
            for bound in self.form.visible_fields()[:1]:
                bound.field.widget.attrs.setdefault("autofocus", True)
            if not wants_fragment(self.request):
                return render(self.request, self.page, self._context(standalone=True))
            closing = self.request.GET.get("close") == "1"
            return render(self.request, self.opener if closing else self.fragment, self._context())
        if self.show_form_on_get:
            return render(self.request, self.page, self._context())
        return redirect(self.back_url)

    def form_failed(self, status: int) -> HttpResponse:
        """The form again with its errors beside the fields and what was typed."""
        if not self.fragment or not wants_fragment(self.request):
            return self.failed(status)
        response = render(self.request, self.fragment, self._context(), status=status)
        if self.form_id:
            retarget(response, f"#{self.form_id}")
            reswap(response, "outerHTML")
        return response

    def failed(self, status: int) -> HttpResponse:
        """Why it was not done, in words: for htmx into ``error_slot`` (the form and what was
        typed stay as they are); without JavaScript the page with the form and its errors."""
        if not wants_fragment(self.request):
            return render(self.request, self.page, self._context(standalone=True), status=status)
        if not self.error_slot:
            return self.form_failed(status) if self.fragment else self._errors(status)
        response = self._errors(status)
        retarget(response, f"#{self.error_slot}")
        reswap(response, "innerHTML")
        return response

    def _errors(self, status: int) -> HttpResponse:
        # A form of buttons only has nothing but its errors to show, hidden fields included.
        context = {"form": self.form, "all_errors": not self.fragment}
        return render(self.request, ERRORS, context, status=status)

    def done(self, message: str, *, url: str | None = None) -> HttpResponse:
        """The answer without JavaScript: back to the page, with the outcome in words."""
        messages.success(self.request, message)
        return redirect(url or self.back_url)
