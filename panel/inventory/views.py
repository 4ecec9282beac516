"""Accounts pages: parse input, build actor and client, call ONE selector or service, render.

List pages cost one API call each. htmx requests get the page's ``{% partialdef %}`` only.
Group forms post with htmx or as plain forms: success redirects (htmx follows the redirect
and receives the groups fragment), failure re-renders the form with what the user typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget

from panel.access.policy import account_abilities, group_abilities
from panel.access.roles import may_change
from panel.bigv import BadRequest
from panel.core.actor import Actor
from panel.core.read_cache import wants_fresh
from panel.credentials.clients import client_for
from panel.inventory import exports, jump, selectors, services
from panel.inventory.forms import GroupNameForm, JumpForm, VmQueryForm
from panel.inventory.validation import GROUP_NAME_HELP
from panel.web.actions import FormAction
from panel.web.htmx import HtmxHttpRequest, page_or_fragment, wants_fragment

# GET: the form's page (or the confirmation); POST: the change.
FORM_METHODS = require_http_methods(["GET", "POST"])


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    with client_for(request.user) as client:
        summaries = selectors.account_summaries(client=client)
    return render(request, "inventory/home.html", {"summaries": summaries})


@require_GET
def account(request: HtmxHttpRequest, account: str) -> HttpResponse:
    with client_for(request.user) as client:
        summary = selectors.account_summary(client=client, account=account)
    context = {
        "account": account,
        "summary": summary,
        "create_form": GroupNameForm(),
        "name_help": GROUP_NAME_HELP,
        # Only what the person's BigV level allows is offered (the services refuse the rest).
        "can": account_abilities(request.user, account),
    }
    response = page_or_fragment(request, "inventory/account.html", "groups", context)
    if wants_fragment(request):
        # Reached by htmx following a group form's success redirect: whichever form asked,
        # the fresh list replaces the whole groups panel.
        retarget(response, "#groups-panel")
        reswap(response, "outerHTML")
    return response


@require_GET
def group(request: HtmxHttpRequest, account: str, group: str) -> HttpResponse:
    filters = VmQueryForm(request.GET)
    with client_for(request.user) as client:
        found = selectors.group_vm_listing(
            client=client,
            account=account,
            group=group,
            query=filters.to_query(),
            fresh=wants_fresh(request),
        )
    can = group_abilities(request.user, account, found.group.name)
    context = {
        "account": account,
        "group": found.group,
        "listing": found.listing,
        "filters": filters,
        "can": can,
        "can_account": account_abilities(request.user, account),
        "can_bulk": can.manage,
    }
    return page_or_fragment(request, "inventory/group.html", "vm-table", context)


@require_GET
def all_vms(request: HtmxHttpRequest) -> HttpResponse:
    filters = VmQueryForm(request.GET)
    with client_for(request.user) as client:
        listing = selectors.all_vm_listing(
            client=client, query=filters.to_query(), fresh=wants_fresh(request)
        )
    context = {
        "listing": listing,
        "filters": filters,
        "show_place": True,
        "can_bulk": may_change(request.user),
    }
    return page_or_fragment(request, "inventory/all_vms.html", "vm-table", context)


# --- exports and the quick jump ------------------------------------------------------------


@require_GET
def group_export(request: HtmxHttpRequest, account: str, group: str, fmt: str) -> HttpResponseBase:
    if fmt not in exports.FORMATS:
        raise Http404("No such format.")
    query = VmQueryForm(request.GET).to_query()
    with client_for(request.user) as client:
        export = exports.group_export(
            actor=Actor.from_request(request),
            client=client,
            account=account,
            group=group,
            query=query,
            fmt=fmt,
        )
    return _download(export, fmt)


@require_GET
def all_vms_export(request: HtmxHttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in exports.FORMATS:
        raise Http404("No such format.")
    query = VmQueryForm(request.GET).to_query()
    with client_for(request.user) as client:
        export = exports.all_vms_export(
            actor=Actor.from_request(request), client=client, query=query, fmt=fmt
        )
    return _download(export, fmt)


def _download(export: exports.Export, fmt: str) -> StreamingHttpResponse:
    # The rows were read before the client closed; only their text is written from here on.
    response = StreamingHttpResponse(export.content, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def quick_jump(request: HtmxHttpRequest) -> HttpResponse:
    """The header's search: suggestions for htmx, else the VM (one clear match) or a list."""
    form = JumpForm(request.GET)
    needle = form.needle()
    found = jump.JumpResult(needle=needle)
    if needle:
        with client_for(request.user) as client:
            found = jump.find_vms(client=client, needle=needle)
    if wants_fragment(request):
        return render(request, "_components/quick_jump.html#suggestions", {"found": found})
    if found.clear_match is not None:
        return redirect(found.clear_match.url)
    return render(request, "inventory/jump.html", {"found": found})


# --- group changes -----------------------------------------------------------------------


def _group_form(
    request: HtmxHttpRequest,
    form: Form,
    template: str,
    fragment: str,
    title: str,
    **context: object,
) -> FormAction:
    """A group form: the page without JavaScript, its ``fragment`` for htmx (which replaces
    itself with the errors, or follows the success redirect to the fresh groups panel)."""
    return FormAction(
        request=request,
        form=form,
        title=title,
        back_url=reverse("accounts:account", kwargs={"account": context["account"]}),
        fragment=f"{template}#{fragment}",
        page=template,
        show_form_on_get=True,
        context=dict(context),
    )


def _back_to_account(request: HtmxHttpRequest, account: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("accounts:account", account=account)


@FORM_METHODS
def group_create(request: HtmxHttpRequest, account: str) -> HttpResponse:
    form = GroupNameForm(request.POST if request.method == "POST" else None)
    action = _group_form(
        request,
        form,
        "inventory/group_create.html",
        "form",
        f"New group in {account}",
        account=account,
        name_help=GROUP_NAME_HELP,
    )
    return action.run(
        lambda actor, client: services.group_create(
            actor=actor, client=client, account=account, name=form.cleaned_data["name"]
        ),
        lambda created: _back_to_account(request, account, f"Group “{created.name}” created."),
    )


@FORM_METHODS
def group_rename(request: HtmxHttpRequest, account: str, group: str) -> HttpResponse:
    if request.method == "POST":
        form = GroupNameForm(request.POST)
    else:
        form = GroupNameForm(initial={"name": group})
    action = _group_form(
        request,
        form,
        "inventory/group_rename.html",
        "form",
        f"Rename {group}",
        account=account,
        group_name=group,
        name_help=GROUP_NAME_HELP,
    )
    return action.run(
        lambda actor, client: services.group_rename(
            actor=actor,
            client=client,
            account=account,
            group=group,
            name=form.cleaned_data["name"],
        ),
        lambda renamed: _back_to_account(
            request, account, f"Group “{group}” renamed to “{renamed.name}”."
        ),
    )


@FORM_METHODS
def group_delete(request: HtmxHttpRequest, account: str, group: str) -> HttpResponse:
    # GET is the confirmation page (no JavaScript); htmx posts straight from the account page
    # after its hx-confirm prompt.
    form = Form(request.POST if request.method == "POST" else None)
    action = _group_form(
        request,
        form,
        "inventory/group_delete.html",
        "inline",
        f"Delete {group}",
        account=account,
        group_name=group,
    )
    action.refusal = lambda error: _delete_refusal(group, error)
    return action.run(
        lambda actor, client: services.group_delete(
            actor=actor, client=client, account=account, group=group
        ),
        lambda _: _back_to_account(request, account, f"Group “{group}” deleted."),
    )


def _delete_refusal(group: str, error: BadRequest) -> str:
    # The API's only reason is a text/plain sentence; say what to do about it.
    reason = error.message.rstrip(".") or "BigV refused"
    return (
        f"Group “{group}” was not deleted: {reason}. A group can only be deleted once it is "
        "empty — delete and purge its virtual machines (or move them to another group) first; "
        "deleted but not purged virtual machines still count."
    )
