"""The SSH keys section of "BigV connection", the console key, and console tickets.

Every change goes through ``panel.web.actions.FormAction``: the form is checked first, the
person's own client is used, BigV's refusals are explained on the form. The SSH keys section
is loaded by the connection page on its own (``console/_ssh_keys.html``), so that page makes
no extra call when nobody looks at keys.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from panel.bigv import BigVClient
from panel.console import forms, selectors, services, sessions
from panel.console.keys import listed
from panel.console.routing import CONSOLE_PATH
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.credentials.selectors import credential_for
from panel.web.actions import FormAction
from panel.web.htmx import HtmxHttpRequest, wants_fragment

KEYS = "console/_ssh_keys.html"


def _bigv_username(request: HttpRequest) -> str:
    credential = credential_for(request.user)
    return credential.bigv_username if credential is not None else ""


def _keys_url() -> str:
    return reverse("credentials:connection") + "#ssh-keys"


def _keys_context(request: HttpRequest, client: BigVClient, **extra: Any) -> dict[str, Any]:
    username = _bigv_username(request)
    console_key = selectors.console_key_of(request.user)
    return {
        "keys": selectors.ssh_keys(client=client, bigv_username=username),
        "bigv_username": username,
        "console_key": console_key,
        "console_identity": listed(console_key.public_key).identity if console_key else None,
        "add_form": extra.pop("add_form", None) or forms.SshKeyForm(),
        **extra,
    }


@require_GET
def ssh_keys(request: HtmxHttpRequest) -> HttpResponse:
    """The section (htmx, loaded by the connection page) or a page of its own."""
    with client_for(request.user) as client:
        context = _keys_context(request, client)
    if wants_fragment(request):
        return render(request, f"{KEYS}#section", context)
    return render(request, "console/ssh_keys_page.html", context)


def _keys_answer(request: HtmxHttpRequest, action: FormAction, message: str) -> HttpResponse:
    """After a change: the section again (htmx), or back to the connection page."""
    if not wants_fragment(request):
        return action.done(message)
    with client_for(request.user) as client:
        context = _keys_context(request, client, message=message)
    return render(request, f"{KEYS}#section", context)


@require_POST
def ssh_key_add(request: HtmxHttpRequest) -> HttpResponse:
    form = forms.SshKeyForm(request.POST)
    action = FormAction(
        request=request,
        form=form,
        title="Add an SSH key",
        back_url=_keys_url(),
        fragment=f"{KEYS}#add_form",
        form_id="ssh-key-add-form",
        context={"add_form": form},
    )
    return action.run(
        lambda actor, client: services.ssh_key_add(
            actor=actor,
            client=client,
            bigv_username=_bigv_username(request),
            line=form.cleaned_data["key"],
        ),
        lambda change: _keys_answer(
            request, action, f"Added the key {change.fingerprint} to {change.bigv_username}."
        ),
    )


@require_http_methods(["GET", "POST"])
def ssh_key_delete(request: HtmxHttpRequest) -> HttpResponse:
    form = forms.SshKeyDeleteForm(request.POST if request.method == "POST" else None)
    shown = request.GET.get("label", "")[: forms.LABEL_MAX]  # only words the question
    action = FormAction(
        request=request,
        form=form,
        title="Remove the SSH key",
        back_url=_keys_url(),
        error_slot="ssh-keys-errors",
        confirm=(
            f"Remove the key {shown} from your BigV user {_bigv_username(request)}? Whoever "
            "holds its private half can then no longer reach the consoles with it."
        ),
        danger=True,
        carried=lambda key: key == "key",
    )
    return action.run(
        lambda actor, client: services.ssh_key_delete(
            actor=actor,
            client=client,
            bigv_username=_bigv_username(request),
            key_id=form.cleaned_data["key"],
        ),
        lambda change: _keys_answer(
            request,
            action,
            f"Removed the key {change.fingerprint or change.comment} from {change.bigv_username}.",
        ),
    )


def _confirm_form(request: HttpRequest) -> forms.ConfirmForm:
    """Bound on a POST even when it carries nothing (a form of buttons only)."""
    return forms.ConfirmForm(request.POST if request.method == "POST" else None)


def _next(request: HttpRequest) -> str:
    """Where to go back to: the VM page the person came from, else their SSH keys."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe and wanted.startswith("/") else _keys_url()


def _key_action(request: HtmxHttpRequest, title: str, question: str, *, danger: bool) -> FormAction:
    """The console key's create and remove: a question first, then back where one came from."""
    return FormAction(
        request=request,
        form=_confirm_form(request),
        title=title,
        back_url=_next(request),
        confirm=question,
        danger=danger,
        carried=lambda key: key == "next",
    )


@require_http_methods(["GET", "POST"])
def key_create(request: HtmxHttpRequest) -> HttpResponse:
    username = _bigv_username(request)
    action = _key_action(
        request,
        "Make a console key",
        f"The panel makes an SSH key pair for you and adds its public half to the SSH keys of "
        f"your BigV user {username}, with your own BigV credential. It keeps the private half "
        "encrypted and uses it only to open the consoles you open. You can remove it at any "
        "time.",
        danger=False,
    )
    return action.run(
        lambda actor, client: services.console_key_create(
            actor=actor, client=client, user=request.user, bigv_username=username
        ),
        lambda key: action.done(
            f"Your console key {key.fingerprint} is now among {key.bigv_username}'s SSH keys."
        ),
    )


@require_http_methods(["GET", "POST"])
def key_remove(request: HtmxHttpRequest) -> HttpResponse:
    username = _bigv_username(request)
    action = _key_action(
        request,
        "Remove the console key",
        f"Remove your console key from the SSH keys of {username} and forget it? The panel can "
        "then open no console for you until you make a new one.",
        danger=True,
    )

    def removed(key: Any) -> HttpResponse:
        if key is None:
            return action.done("You have no console key.")
        return action.done(f"Removed your console key {key.fingerprint}.")

    return action.run(
        lambda actor, client: services.console_key_remove(
            actor=actor, client=client, user=request.user, bigv_username=username
        ),
        removed,
    )


@require_POST
def ticket(request: HttpRequest, account: str, group: str, vm: str) -> JsonResponse:
    """A ticket for the console's WebSocket (JSON), or why not, in words."""
    try:
        with client_for(request.user) as client:
            value = sessions.console_ticket(
                actor=Actor.from_request(request),
                client=client,
                user=request.user,
                session_key=request.session.session_key or "",
                account=account,
                group=group,
                vm=vm,
            )
    except Http404 as missing:
        return JsonResponse({"error": str(missing)}, status=404)
    except PermissionDenied as refusal:
        return JsonResponse({"error": str(refusal) or "You may not do this."}, status=403)
    return JsonResponse({"ticket": value, "url": CONSOLE_PATH})
