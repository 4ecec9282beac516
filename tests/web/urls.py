"""The panel's URLs plus a few test-only views whose BigV errors escape to the middleware."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import path

from panel.bigv import (
    BadRequest,
    ConnectionFailed,
    Forbidden,
    InvalidResponse,
    NotFound,
    ServerError,
    TimedOut,
    Unauthorized,
    Unavailable,
)
from panel.credentials.clients import NotConnected, client_for
from panel.urls import urlpatterns as panel_urlpatterns
from panel.web.errors import apply_field_errors

ERRORS = {
    "not_connected": lambda: NotConnected(),
    "unauthorized": lambda: Unauthorized(401, "Invalid or expired session token"),
    "forbidden": lambda: Forbidden(403, "Forbidden"),
    "not_found": lambda: NotFound(404, "Not found"),
    "server_error": lambda: ServerError(500, "Internal Server Error"),
    "unavailable": lambda: Unavailable(503, "Service Unavailable", retry_after=5),
    "timed_out": lambda: TimedOut("GET /accounts: timed out", method="GET", path="/accounts"),
    "connection_failed": lambda: ConnectionFailed("refused", method="GET", path="/accounts"),
    "invalid_response": lambda: InvalidResponse("truncated body"),
    "bad_request": lambda: BadRequest(400, "bad", field_errors={"name": ["is invalid"]}),
}


def raise_error(request: HttpRequest, name: str) -> HttpResponse:
    raise ERRORS[name]()


def accounts(request: HttpRequest) -> HttpResponse:
    with client_for(request.user) as client:
        return HttpResponse(",".join(a.name for a in client.accounts()))


def account(request: HttpRequest, name: str) -> HttpResponse:
    with client_for(request.user) as client:
        return HttpResponse(client.account(name).name)


class GroupForm(forms.Form):
    name = forms.CharField()


def group_create(request: HttpRequest, account_name: str) -> HttpResponse:
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            with client_for(request.user) as client:
                client.group_create(account_name, name=form.cleaned_data["name"])
        except BadRequest as error:
            apply_field_errors(form, error)
            return HttpResponse(form.as_div(), status=400)
        return HttpResponse("created", status=201)
    return HttpResponse(form.as_div(), status=400)


urlpatterns = [
    path("_test/raise/<str:name>/", raise_error),
    path("_test/accounts/", accounts),
    path("_test/accounts/<str:name>/", account),
    path("_test/accounts/<str:account_name>/groups/", group_create),
    *panel_urlpatterns,
]
