"""The "BigV connection" page: connect with an API key or a login (+ code), check, disconnect.

Every response is ``no-store``: these pages carry secrets in flight (the encrypted password
of the code step) and a shared cache or the back button must not keep them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from panel.bigv import BigVError, SecondFactorRequired
from panel.core.actor import Actor
from panel.credentials import services
from panel.credentials.crypto import seal_pending_login
from panel.credentials.forms import (
    STEP_EXPIRED,
    ApiKeyForm,
    PasswordConnectForm,
    SecondFactorForm,
    auth_error_message,
    throttled_message,
)
from panel.credentials.selectors import credential_for
from panel.credentials.throttle import ConnectThrottled

TEMPLATE = "credentials/connection.html"


def _page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    context = {
        "credential": credential_for(request.user),
        "api_key_form": forms.get("api_key_form") or ApiKeyForm(),
        "password_form": forms.get("password_form") or PasswordConnectForm(),
        "code_form": forms.get("code_form"),
        "pending_username": forms.get("pending_username", ""),
        "open_form": forms.get("open_form", ""),
        # A message for the password form when it is shown fresh (unbound) again.
        "password_notice": forms.get("password_notice", ""),
    }
    return render(request, TEMPLATE, context, status=status)


def _user_id(request: HttpRequest) -> int:
    # LoginRequiredMiddleware guarantees a logged-in user on every view here.
    user_id = request.user.pk
    if not isinstance(user_id, int):
        raise PermissionDenied("Log in first.")
    return user_id


def _connected(request: HttpRequest, credential: Any) -> HttpResponse:
    messages.success(request, f"Connected to BigV as {credential.bigv_username}.")
    return redirect("credentials:connection")


@never_cache
@require_GET
def connection(request: HttpRequest) -> HttpResponse:
    return _page(request)


@never_cache
@sensitive_post_parameters("api_key")
@require_POST
def connect_api_key(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            credential = services.credentials_connect_api_key(
                actor=Actor.from_request(request),
                user=request.user,
                api_key=form.cleaned_data["api_key"],
            )
        except ConnectThrottled as locked:
            form.add_error(
                None, throttled_message(locked.until, every_address=locked.every_address)
            )
        except BigVError as error:
            field, message = auth_error_message(error, api_key=True)
            form.add_error(field, message)
        else:
            return _connected(request, credential)
    return _page(request, api_key_form=form, open_form="api_key")


@never_cache
@sensitive_post_parameters("password", "pending", "code", "yubikey")
@require_POST
def connect_password(request: HttpRequest) -> HttpResponse:
    if "pending" in request.POST:
        return _code_step(request)
    form = PasswordConnectForm(request.POST)
    if not form.is_valid():
        return _page(request, password_form=form, open_form="password")
    data = form.cleaned_data
    try:
        credential = services.credentials_connect_password(
            actor=Actor.from_request(request),
            user=request.user,
            username=data["username"],
            password=data["password"],
            yubikey=data["yubikey"] or None,
        )
    except SecondFactorRequired:
        # Nothing is kept server-side: the browser carries the first step, encrypted and
        # bound to this panel user, for at most five minutes.
        pending = seal_pending_login(
            user_id=_user_id(request),
            username=data["username"],
            password=data["password"],
            yubikey=data["yubikey"],
        )
        code_form = SecondFactorForm(initial={"pending": pending}, user_id=_user_id(request))
        return _page(request, code_form=code_form, pending_username=data["username"])
    except ConnectThrottled as locked:
        form.add_error(None, throttled_message(locked.until, every_address=locked.every_address))
        return _page(request, password_form=form, open_form="password")
    except BigVError as error:
        field, message = auth_error_message(error)
        form.add_error(field if field in form.fields else None, message)
        return _page(request, password_form=form, open_form="password")
    return _connected(request, credential)


def _code_step(request: HttpRequest) -> HttpResponse:
    form = SecondFactorForm(request.POST, user_id=_user_id(request))
    if not form.is_valid() or form.pending_login is None:
        if form.step_expired or form.pending_login is None:
            # Start again from the password: the pending step is gone or not this user's.
            return _page(request, password_notice=STEP_EXPIRED, open_form="password")
        return _page(request, code_form=form, pending_username=form.pending_login.username)
    pending = form.pending_login
    try:
        credential = services.credentials_connect_password(
            actor=Actor.from_request(request),
            user=request.user,
            username=pending.username,
            password=pending.password,
            second_factor=form.cleaned_data["code"],
            yubikey=pending.yubikey or None,
        )
    except ConnectThrottled as locked:
        form.add_error(None, throttled_message(locked.until, every_address=locked.every_address))
        return _page(request, code_form=form, pending_username=pending.username)
    except BigVError as error:
        field, message = auth_error_message(error)
        if field == "password":
            # The password itself was refused (changed meanwhile?): back to the first step.
            password_form = PasswordConnectForm(initial={"username": pending.username})
            return _page(
                request, password_form=password_form, password_notice=message, open_form="password"
            )
        form.add_error(field if field in form.fields else None, message)
        return _page(request, code_form=form, pending_username=pending.username)
    return _connected(request, credential)


@never_cache
@require_POST
def check(request: HttpRequest) -> HttpResponse:
    """Ask BigV now whether the stored credential still works. A 401 becomes the reconnect
    prompt (and marks the credential) in ``panel.web.middleware.BigVErrorMiddleware``."""
    services.credentials_check(actor=Actor.from_request(request), user=request.user)
    messages.success(request, "BigV accepted your credentials; your BigV access was read again.")
    return redirect("credentials:connection")


@never_cache
@require_http_methods(["GET", "POST"])
def disconnect(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if services.credentials_disconnect(actor=Actor.from_request(request), user=request.user):
            kept = credential_for(request.user)
            if kept is not None:
                messages.success(
                    request,
                    "Disconnected. What you started is being stopped; your BigV credential "
                    "is kept only to put back the VMs it already changed, then deleted.",
                )
            else:
                messages.success(
                    request, "Disconnected: the panel no longer holds your BigV credentials."
                )
        return redirect("credentials:connection")
    # GET is the confirmation step: it works without JavaScript and changes nothing.
    return render(
        request, "credentials/disconnect_confirm.html", {"credential": credential_for(request.user)}
    )
