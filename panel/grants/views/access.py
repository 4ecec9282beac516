"""The access pages of an account, a group and a VM: who holds which BigV privilege there;
grant (form → the plan in words → grant), revoke and the YubiKey requirement (a confirmation
in words → the change). Every change goes through one service call (``FormAction``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from panel.access.levels import Level
from panel.access.policy import Denied
from panel.bigv import BigVClient, BigVError, Privilege
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.grants import selectors, services, words
from panel.grants.checks import refusal
from panel.grants.forms import ButtonsForm, GrantForm, YubikeyForm
from panel.grants.targets import LEVELS_OF, AccessTarget, Place, resolve
from panel.web.actions import ACTION_PAGE, FormAction
from panel.web.errors import explain
from panel.web.htmx import HtmxHttpRequest

PAGE = "grants/access.html"
GRANT_PAGE = "grants/grant.html"


def _base(target: AccessTarget) -> dict[str, Any]:
    """What every page of an object's access shows: where it is, and how to get back."""
    return {
        "target": target,
        "place": target.place,
        "shown": target.shown,
        "cancel_url": target.url(),
    }


@require_GET
def access(request: HtmxHttpRequest, account: str, group: str = "", vm: str = "") -> HttpResponse:
    target = resolve(request.user, Place(account, group, vm))
    with client_for(request.user) as client:
        rows = selectors.access_rows(client, request.user, target)
    context = {
        **_base(target),
        "rows": rows,
        "why_not": refusal(request.user, target),
        "meanings": [(lv, words.ability(lv, target.shown)) for lv in target.grantable],
        "groups": selectors.groups_in(request.user, target),
    }
    return render(request, PAGE, context)


# --- grant ---------------------------------------------------------------------------------


def _grant_form(
    place: Place, target: AccessTarget | None, data: QueryDict | None = None, **kw: Any
) -> GrantForm:
    """The form offers the levels the person may grant; posted, it takes any level of the
    object's kind, so that one above theirs is refused in words (and audited) by the
    service, not as an unknown choice."""
    levels = target.grantable if target is not None else LEVELS_OF[place.kind]
    shown = target.shown if target is not None else place
    abilities = {lv: words.ability(lv, shown) for lv in levels}
    return GrantForm(data, levels=levels, abilities=abilities, **kw)


def _grant_page(
    request: HtmxHttpRequest, target: AccessTarget, form: GrantForm, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        **_base(target),
        "form": form,
        "title": f"Grant a privilege on {target.name}",
        "suggestions": selectors.team_bigv_users(),
        **extra,
    }
    return render(request, GRANT_PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
def grant(request: HtmxHttpRequest, account: str, group: str = "", vm: str = "") -> HttpResponse:
    """GET: the form. POST ``action=plan``: the grant in words, to confirm. POST
    ``action=grant``: the grant itself (the service checks and audits). ``action=edit``: the
    form again with what was typed."""
    place = Place(account, group, vm)
    stage = request.POST.get("action", "plan") if request.method == "POST" else "form"
    if stage == "grant":  # the service finds the object, checks and audits
        return _grant(request, place)
    target = resolve(request.user, place)
    why = refusal(request.user, target)
    if why is not None:  # the page offers nothing this person may do: no API call
        raise Denied(why)
    if stage == "form":
        return _grant_page(request, target, _grant_form(place, target))
    if stage == "edit":
        initial = request.POST.dict()
        return _grant_page(request, target, _grant_form(place, target, initial=initial))
    form = _grant_form(place, None, request.POST)
    if not form.is_valid():
        return _grant_page(request, target, form, status=400)
    data = form.cleaned_data
    with client_for(request.user) as client:
        try:
            plan = selectors.grant_plan(
                client,
                request.user,
                target,
                data["username"],
                form.chosen_level,
                data["yubikey_required"],
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
            return _grant_page(request, target, form, status=400)
        except BigVError as error:
            return _grant_page(request, target, form, status=explain(form, error))
    return _grant_page(request, target, form, plan=plan, stage="confirm")


def _grant(request: HtmxHttpRequest, place: Place) -> HttpResponse:
    form = _grant_form(place, None, request.POST)
    action = FormAction(
        request=request,
        form=form,
        title=f"Grant a privilege on {place.name}",
        back_url=place.url(),
        page=GRANT_PAGE,
        context={"place": place, "suggestions": selectors.team_bigv_users()},
    )

    def perform(actor: Actor, client: BigVClient) -> Privilege:
        return services.privilege_grant(
            actor=actor,
            client=client,
            place=place,
            username=form.cleaned_data["username"],
            level=form.chosen_level,
            yubikey_required=form.cleaned_data["yubikey_required"],
        )

    def succeeded(granted: Privilege) -> HttpResponse:
        return action.done(f"Granted {granted.username} {granted.level} on {place.name}.")

    return action.run(perform, succeeded)


# --- revoke and the YubiKey requirement -------------------------------------------------


def _confirmation(
    request: HtmxHttpRequest,
    target: AccessTarget,
    title: str,
    question: str,
    *,
    hidden: list[tuple[str, str]] | None = None,
    danger: bool = False,
) -> HttpResponse:
    context = {
        "title": title,
        "question": question,
        "action_url": request.path,
        "cancel_url": target.url(),
        "hidden": hidden or [],
        "danger": danger,
    }
    return render(request, ACTION_PAGE, context)


def _privilege_to_change(
    request: HtmxHttpRequest, target: AccessTarget, privilege_id: int
) -> Privilege:
    """For a confirmation page: the privilege, if the person may change it (no API call
    when they may change nothing here)."""
    why = refusal(request.user, target)
    if why is not None:
        raise Denied(why)
    with client_for(request.user) as client:
        try:
            found = selectors.find_privilege(client, target, privilege_id)
        except ValidationError as gone:
            raise Http404(gone.messages[0]) from gone
    why = refusal(request.user, target, Level.of(found.level))
    if why is not None:
        raise Denied(why)
    return found


@require_http_methods(["GET", "POST"])
def revoke(
    request: HtmxHttpRequest, account: str, privilege: int, group: str = "", vm: str = ""
) -> HttpResponse:
    place = Place(account, group, vm)
    if request.method == "GET":
        target = resolve(request.user, place)
        found = _privilege_to_change(request, target, privilege)
        question = words.revoking(
            selectors.person_words(found),
            Level.of(found.level),
            target.shown,
            key_id=found.api_key_id,
        )
        return _confirmation(
            request, target, f"Revoke {found.level} from {found.username}", question, danger=True
        )
    action = FormAction(
        request=request, form=ButtonsForm(request.POST), title="Revoke", back_url=place.url()
    )

    def perform(actor: Actor, client: BigVClient) -> Privilege:
        return services.privilege_revoke(
            actor=actor, client=client, place=place, privilege_id=privilege
        )

    def succeeded(gone: Privilege) -> HttpResponse:
        return action.done(f"Revoked {gone.level} on {place.name} from {gone.username}.")

    return action.run(perform, succeeded)


@require_http_methods(["GET", "POST"])
def yubikey(
    request: HtmxHttpRequest, account: str, privilege: int, group: str = "", vm: str = ""
) -> HttpResponse:
    """GET ``?required=true|false`` (the other of what it is, when not given): the change
    in words. POST ``required``: make it."""
    place = Place(account, group, vm)
    if request.method == "GET":
        target = resolve(request.user, place)
        found = _privilege_to_change(request, target, privilege)
        wanted = request.GET.get("required", "false" if found.yubikey_required else "true")
        required = wanted == "true"
        if required and found.api_key_id is not None:
            raise Denied("A privilege for an API key cannot require a YubiKey.")
        question = words.yubikey_change(
            selectors.person_words(found), Level.of(found.level), target.shown, required=required
        )
        title = "Require a YubiKey" if required else "Stop requiring a YubiKey"
        hidden = [("required", "true" if required else "false")]
        return _confirmation(request, target, title, question, hidden=hidden)
    form = YubikeyForm(request.POST)
    action = FormAction(request=request, form=form, title="YubiKey", back_url=place.url())

    def perform(actor: Actor, client: BigVClient) -> Privilege:
        return services.privilege_set_yubikey(
            actor=actor,
            client=client,
            place=place,
            privilege_id=privilege,
            required=form.cleaned_data["required"],
        )

    def succeeded(changed: Privilege) -> HttpResponse:
        state = "needs" if changed.yubikey_required else "no longer needs"
        return action.done(
            f"{changed.level} of {changed.username} on {place.name} {state} a YubiKey."
        )

    return action.run(perform, succeeded)
