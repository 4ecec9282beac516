"""The shape every operation form shares: fill in → see the plan → start.

1. GET: the form.
2. POST ``action=plan``: the form is validated (no API call when it is invalid); the plan is
   computed from the VM's live state by the engine's ``plan_*`` service and shown with
   "Start" and "Change". The non-secret values ride along as hidden fields; the secrets
   (root password, SSH keys, first-boot script) are sealed (below), never written
   back into the page.
3. POST ``action=start``: the plan is computed again and started only if it is the plan
   the user read (same digest); if the VM changed meanwhile, the new plan is shown instead.
   Then ``change_start`` and a redirect to the operation's page.

Step 3 calls two services (``plan_*`` then ``change_start``) where views normally call
one: re-planning from live state is what guarantees that the plan started is the one
confirmed, and it needs the same client within one request.

The secrets cross the confirmation page sealed (``panel.core.sealing``), bound to the panel
user and valid for ``SEAL_TTL`` seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.forms import BaseForm, BaseFormSet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from panel.bigv import BigVClient, BigVError
from panel.core import sealing
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.vm_changes import services
from panel.vm_changes.plans import InvalidPlan, NothingToDo, Plan
from panel.vms.refs import VmRef
from panel.web.errors import explain
from panel.web.htmx import HtmxHttpRequest, wants_fragment

SECRET_FIELDS = ("root_password", "ssh_public_key", "firstboot_script")
PAGE = "vm_changes/change.html"
SEAL_TTL = 15 * 60
_PURPOSE = "operation-confirm"  # a sealed form is never mistaken for a stored credential

FormFactory = Callable[..., BaseForm]
FormsetFactory = Callable[..., BaseFormSet]


def plain_values(data: QueryDict) -> dict[str, Any]:
    """The posted values minus the secrets and the flow's own fields (for ``initial``)."""
    skip = {*SECRET_FIELDS, "csrfmiddlewaretoken", "action", "plan_digest", "sealed"}
    return {key: data.get(key) for key in data if key not in skip}


class SealExpired(Exception):
    """The sealed secrets are too old, damaged, or belong to another user."""


def seal_secrets(*, user_id: int, secrets: Mapping[str, str]) -> str:
    if not secrets:
        return ""
    return sealing.seal({"p": _PURPOSE, "u": user_id, "s": dict(secrets)})


def open_secrets(*, user_id: int, sealed: str) -> dict[str, str]:
    if not sealed:
        return {}
    try:
        payload = sealing.unseal(sealed, ttl=SEAL_TTL)
    except sealing.Unsealable as error:
        raise SealExpired("the confirmation expired") from error
    if (
        payload.get("p") != _PURPOSE
        or payload.get("u") != user_id
        or not isinstance(payload.get("s"), dict)
    ):
        raise SealExpired("the confirmation belongs to someone else")
    return {str(key): str(value) for key, value in payload["s"].items()}


@dataclass
class Flow:
    request: HtmxHttpRequest
    title: str
    make_form: FormFactory  # make_form(data=None, initial=None)
    plan: Callable[[BigVClient, BaseForm, BaseFormSet | None], Plan]
    cancel_url: str
    make_formset: FormsetFactory | None = None  # make_formset(data=None, add_row=False)
    initial: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    template: str = PAGE

    def run(self) -> HttpResponse:
        if self.request.method != "POST":
            return self._form_page(self.make_form(initial=self.initial), self._formset())
        data = self.request.POST.copy()
        action = data.get("action", "plan")
        if action == "edit":
            form = self.make_form(initial={**self.initial, **plain_values(data)})
            return self._form_page(form, self._formset(data))
        if "add_disc" in data and self.make_formset is not None:
            form = self.make_form(initial={**self.initial, **plain_values(data)})
            return self._form_page(form, self.make_formset(data, add_row=True))
        if action == "start":
            try:
                for key, value in self._opened(data.get("sealed", "")).items():
                    data[key] = value
            except SealExpired:
                form = self.make_form(initial={**self.initial, **plain_values(data)})
                notice = "This confirmation has expired. Check the values and show the plan again."
                return self._form_page(form, self._formset(data), notice=notice)
        form = self.make_form(data)
        formset = self._formset(data)
        if not (form.is_valid() and (formset is None or formset.is_valid())):
            return self._form_page(form, formset, status=400)
        return self._plan_and_maybe_start(form, formset, start=action == "start", data=data)

    # --- steps ---------------------------------------------------------------------------

    def _plan_and_maybe_start(
        self,
        form: BaseForm,
        formset: BaseFormSet | None,
        *,
        start: bool,
        data: QueryDict,
    ) -> HttpResponse:
        secrets = form.secrets() if hasattr(form, "secrets") else {}
        if busy := services.busy_with(self.context.get("ref")):
            return self._form_page(form, formset, status=409, busy=busy)
        with client_for(self.request.user) as client:
            try:
                plan = self.plan(client, form, formset)
            except (NothingToDo, InvalidPlan) as error:
                form.add_error(None, str(error))
                return self._form_page(form, formset, status=409)
            except BigVError as error:
                return self._form_page(form, formset, status=explain(form, error))
            known = plan.ref if isinstance(plan.ref, VmRef) and plan.ref.vm_id else None
            if busy := services.busy_with(known):
                return self._form_page(form, formset, status=409, busy=busy)
            digest = plan.digest()
            if not start or data.get("plan_digest") != digest:
                return self._confirm_page(form, formset, plan, digest, secrets, changed=start)
            try:
                operation = services.change_start(
                    actor=Actor.from_request(self.request),
                    client=client,
                    plan=plan,
                    secret_params=secrets or None,
                )
            except services.Busy as busy:
                return self._form_page(form, formset, status=409, busy=busy)
            except InvalidPlan as error:  # PlanOutdated: the VM changed in the last instant
                form.add_error(None, str(error))
                return self._form_page(form, formset, status=409)
        url = reverse("operations:detail", args=[operation.pk])
        return HttpResponseClientRedirect(url) if wants_fragment(self.request) else redirect(url)

    def _opened(self, sealed: str) -> dict[str, str]:
        return open_secrets(user_id=self._user_id(), sealed=sealed)

    def _user_id(self) -> int:
        # LoginRequiredMiddleware: only a logged-in user gets here.
        return int(self.request.user.pk or 0)

    def _formset(self, data: QueryDict | None = None) -> BaseFormSet | None:
        if self.make_formset is None:
            return None
        return self.make_formset(data)

    # --- pages ---------------------------------------------------------------------------

    def _render(self, stage: str, status: int = 200, **extra: Any) -> HttpResponse:
        context = {
            "title": self.title,
            "stage": stage,
            "cancel_url": self.cancel_url,
            "secret_fields": SECRET_FIELDS,
            **self.context,
            **extra,
        }
        name = self.template
        if wants_fragment(self.request) and "add_disc" in self.request.POST:
            name = f"{self.template}#discs"  # only the disc rows: typed secrets stay as they are
        return render(self.request, name, context, status=status)

    def _form_page(
        self,
        form: BaseForm,
        formset: BaseFormSet | None,
        *,
        status: int = 200,
        busy: Any = None,
        notice: str = "",
    ) -> HttpResponse:
        return self._render("form", status, form=form, formset=formset, busy=busy, notice=notice)

    def _confirm_page(
        self,
        form: BaseForm,
        formset: BaseFormSet | None,
        plan: Plan,
        digest: str,
        secrets: dict[str, str],
        *,
        changed: bool,
    ) -> HttpResponse:
        sealed = seal_secrets(user_id=self._user_id(), secrets=secrets)
        return self._render(
            "confirm",
            form=form,
            formset=formset,
            plan=plan,
            plan_digest=digest,
            sealed=sealed,
            changed=changed,
            secret_labels=[str(form.fields[name].label).lower() for name in secrets],
        )
