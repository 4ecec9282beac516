"""Accounts pages: parse input, build actor and client, call ONE selector or service, render.

List pages cost one API call each. htmx requests get the page's ``{% partialdef %}`` only.
Group forms post with htmx or as plain forms: success redirects (htmx follows the redirect
and receives the groups fragment), failure re-renders the form with what the user typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget

from panel.bigv import (
    BadRequest,
    BigVError,
    Forbidden,
    NotFound,
    TimedOut,
    Unauthorized,
    Unavailable,
)
from panel.core.actor import Actor
from panel.core.read_cache import wants_fresh
from panel.credentials.clients import client_for
from panel.inventory import selectors, services
from panel.inventory.forms import GroupNameForm, VmQueryForm
from panel.inventory.validation import GROUP_NAME_HELP
from panel.web.errors import (
    FORBIDDEN_MESSAGE,
    NOT_FOUND_MESSAGE,
    apply_field_errors,
    bigv_errors,
    unavailable_message,
)


def _is_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    # A history restore wants the whole page back, not a fragment.
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def _page(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    name = f"{template}#{partial}" if _is_fragment(request) else template
    response = render(request, name, context)
    # The same URL answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@bigv_errors
def home(request: HttpRequest) -> HttpResponse:
    summaries = selectors.account_summaries(client=client_for(request.user))
    return render(request, "inventory/home.html", {"summaries": summaries})


@require_GET
@bigv_errors
def account(request: HttpRequest, account: str) -> HttpResponse:
    summary = selectors.account_summary(client=client_for(request.user), account=account)
    context = {
        "account": account,
        "summary": summary,
        "create_form": GroupNameForm(),
        "name_help": GROUP_NAME_HELP,
    }
    response = _page(request, "inventory/account.html", "groups", context)
    if _is_fragment(request):
        # Reached by htmx following a group form's success redirect: whichever form asked,
        # the fresh list replaces the whole groups panel.
        retarget(response, "#groups-panel")
        reswap(response, "outerHTML")
    return response


@require_GET
@bigv_errors
def group(request: HttpRequest, account: str, group: str) -> HttpResponse:
    filters = VmQueryForm(request.GET)
    found = selectors.group_vm_listing(
        client=client_for(request.user),
        account=account,
        group=group,
        query=filters.to_query(),
        fresh=wants_fresh(request),
    )
    context = {
        "account": account,
        "group": found.group,
        "listing": found.listing,
        "filters": filters,
    }
    return _page(request, "inventory/group.html", "vm-table", context)


@require_GET
@bigv_errors
def all_vms(request: HttpRequest) -> HttpResponse:
    filters = VmQueryForm(request.GET)
    listing = selectors.all_vm_listing(
        client=client_for(request.user), query=filters.to_query(), fresh=wants_fresh(request)
    )
    context = {"listing": listing, "filters": filters, "show_place": True}
    return _page(request, "inventory/all_vms.html", "vm-table", context)


# --- group changes -----------------------------------------------------------------------


def _explain(form: Form, error: BigVError) -> int:
    """Put a failed write's reason on the form; return the full page's status. 401 is left
    to ``bigv_errors`` (the reconnect prompt), which needs no form."""
    if isinstance(error, Unauthorized):
        raise error
    if isinstance(error, BadRequest):
        apply_field_errors(form, error)
        return 400
    if isinstance(error, Forbidden):
        form.add_error(None, FORBIDDEN_MESSAGE)
        return 403
    if isinstance(error, NotFound):
        form.add_error(None, NOT_FOUND_MESSAGE)
        return 404
    form.add_error(None, unavailable_message(error, safe=False))
    if isinstance(error, TimedOut):
        return 504
    return 503 if isinstance(error, Unavailable) else 502


def _form_response(
    request: HttpRequest, template: str, partial: str, context: dict, status: int
) -> HttpResponse:
    if _is_fragment(request):
        # 200 so that htmx swaps the form (with its errors) in place of the one submitted.
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@bigv_errors
def group_create(request: HttpRequest, account: str) -> HttpResponse:
    form = GroupNameForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                created = services.group_create(
                    actor=Actor.from_request(request),
                    client=client_for(request.user),
                    account=account,
                    name=form.cleaned_data["name"],
                )
            except BigVError as error:
                status = _explain(form, error)
            else:
                messages.success(request, f"Group “{created.name}” created.")
                return redirect("accounts:account", account=account)
    context = {"account": account, "form": form, "name_help": GROUP_NAME_HELP}
    return _form_response(request, "inventory/group_create.html", "form", context, status)


@require_http_methods(["GET", "POST"])
@bigv_errors
def group_rename(request: HttpRequest, account: str, group: str) -> HttpResponse:
    if request.method == "POST":
        form = GroupNameForm(request.POST)
    else:
        form = GroupNameForm(initial={"name": group})
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                renamed = services.group_rename(
                    actor=Actor.from_request(request),
                    client=client_for(request.user),
                    account=account,
                    group=group,
                    name=form.cleaned_data["name"],
                )
            except BigVError as error:
                status = _explain(form, error)
            else:
                messages.success(request, f"Group “{group}” renamed to “{renamed.name}”.")
                return redirect("accounts:account", account=account)
    context = {"account": account, "group_name": group, "form": form, "name_help": GROUP_NAME_HELP}
    return _form_response(request, "inventory/group_rename.html", "form", context, status)


@require_http_methods(["GET", "POST"])
@bigv_errors
def group_delete(request: HttpRequest, account: str, group: str) -> HttpResponse:
    # GET is the confirmation page (no JavaScript); htmx posts straight from the account page
    # after its hx-confirm prompt.
    form = Form(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        try:
            services.group_delete(
                actor=Actor.from_request(request),
                client=client_for(request.user),
                account=account,
                group=group,
            )
        except BadRequest as error:
            # The API's only reason is a text/plain sentence; say what to do about it.
            form.add_error(None, ValidationError(_delete_refusal(group, error)))
            status = 400
        except BigVError as error:
            status = _explain(form, error)
        else:
            messages.success(request, f"Group “{group}” deleted.")
            return redirect("accounts:account", account=account)
    context = {"account": account, "group_name": group, "form": form}
    return _form_response(request, "inventory/group_delete.html", "inline", context, status)


def _delete_refusal(group: str, error: BadRequest) -> str:
    reason = error.message.rstrip(".") or "BigV refused"
    return (
        f"Group “{group}” was not deleted: {reason}. A group can only be deleted once it is "
        "empty — delete and purge its virtual machines (or move them to another group) first; "
        "deleted but not purged virtual machines still count."
    )
