"""One's own BigV API keys: a section of the BigV connection page (loaded by htmx into it,
or a page of its own without JavaScript), create, delete.

The answer that shows a new key's secret is the POST's own answer: never a redirect, never a
flash message (both would keep it in the session or a cookie), never cached (``no-store``).
The next page load cannot show it again — BigV does not either.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from panel.access.policy import NOT_VISIBLE, Denied
from panel.bigv import ApiKey, BigVClient
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.grants import selectors, services
from panel.grants.checks import role_refusal
from panel.grants.forms import ApiKeyCreateForm, ButtonsForm
from panel.web.actions import ACTION_PAGE, FormAction
from panel.web.errors import errors_into
from panel.web.htmx import HtmxHttpRequest, wants_fragment

PAGE = "grants/api_keys.html"
SECTION = "api-keys"  # the element the section is swapped into


def _connection_url() -> str:
    return reverse("credentials:connection")


def _section(request: HtmxHttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    name = f"{PAGE}#section" if wants_fragment(request) else PAGE
    return render(request, name, context, status=status)


def _create_form(request: HtmxHttpRequest, data: Any = None) -> ApiKeyCreateForm:
    return ApiKeyCreateForm(data, grants=selectors.key_grants(request.user))


@never_cache
@require_GET
def api_keys(request: HtmxHttpRequest) -> HttpResponse:
    errors_into(request, SECTION)  # a BigV error shows inside the section, the page stays
    with client_for(request.user) as client:
        listing = selectors.api_keys(client, request.user)
    may_change = role_refusal(request.user) is None
    context = {
        "listing": listing,
        "form": _create_form(request) if may_change else None,
        "why_not": role_refusal(request.user),
    }
    return _section(request, context)


@never_cache
@require_POST
def api_key_create(request: HtmxHttpRequest) -> HttpResponse:
    form = _create_form(request, request.POST)
    action = FormAction(
        request=request,
        form=form,
        title="New BigV API key",
        back_url=_connection_url(),
        fragment=f"{PAGE}#create_form",
        form_id="api-key-create",
        page=PAGE,
    )

    def perform(actor: Actor, client: BigVClient) -> services.CreatedKey:
        return services.api_key_create(
            actor=actor,
            client=client,
            label=form.cleaned_data["label"],
            expires=form.cleaned_data["expires"],
            grants=form.chosen_grants,
        )

    def succeeded(created: services.CreatedKey) -> HttpResponse:
        # The secret goes out in this answer and nowhere else.
        return _section(request, {"created": created}, status=201)

    return action.run(perform, succeeded)


@require_http_methods(["GET", "POST"])
def api_key_delete(request: HtmxHttpRequest, key: int) -> HttpResponse:
    if request.method == "GET":
        return _delete_confirmation(request, key)
    action = FormAction(
        request=request,
        form=ButtonsForm(request.POST),
        title="Delete API key",
        back_url=_connection_url(),
    )

    def perform(actor: Actor, client: BigVClient) -> ApiKey:
        return services.api_key_delete(actor=actor, client=client, key_id=key)

    def succeeded(deleted: ApiKey) -> HttpResponse:
        return action.done(f"Deleted API key “{deleted.label}”.")

    return action.run(perform, succeeded)


def _delete_confirmation(request: HtmxHttpRequest, key_id: int) -> HttpResponse:
    why = role_refusal(request.user)
    if why is not None:
        raise Denied(why)
    with client_for(request.user) as client:
        listing = selectors.api_keys(client, request.user)
    key = next((k for k in listing.keys if k.id == key_id), None)
    if key is None:
        raise Http404(NOT_VISIBLE)
    question = f"Delete API key “{key.label}”? Whatever uses it stops working at once"
    question += ", and the privileges given to it go with it." if key.privileges else "."
    if listing.in_use == key.id:
        question += " The panel acts for you with this key: you will have to connect again."
    context = {
        "title": f"Delete API key “{key.label}”",
        "question": question,
        "action_url": request.path,
        "cancel_url": _connection_url(),
        "hidden": [],
        "danger": True,
    }
    return render(request, ACTION_PAGE, context)
