"""What a person sees when BigV says no — every view's answer to a BigV error, in one place.

A view does not catch BigV errors it cannot do anything particular about: they escape it and
``panel.web.middleware.BigVErrorMiddleware`` answers with ``render_api_error``. A full page
renders the message inside base.html; an htmx request gets just the fragment, with the
error's own status (base.html makes htmx swap 4xx/5xx answers), swapped into
``request.error_slot`` when the view named one (``errors_into``).

A form that caused the call shows the error itself, keeping what was typed:
``explain(form, error)`` puts a refusal beside its fields (``BadRequest``) or as a sentence
above them, and returns the status of the answer. Only a refused or missing credential
(``Unauthorized``, ``NotConnected``) is never explained on a form: it escapes to the
reconnect prompt or the connection page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from panel.bigv import (
    ApiError,
    AuthError,
    BadRequest,
    BigVError,
    ConnectionFailed,
    Forbidden,
    NotFound,
    ServerError,
    TimedOut,
    TransportError,
    Unauthorized,
    Unavailable,
    words,
)
from panel.core.actor import Actor
from panel.credentials.clients import NotConnected
from panel.credentials.crypto import CredentialError
from panel.credentials.services import credentials_mark_rejected
from panel.web.htmx import wants_fragment

__all__ = [
    "FORBIDDEN_MESSAGE",
    "HANDLED",
    "NOT_FOUND_MESSAGE",
    "apply_field_errors",
    "errors_into",
    "explain",
    "render_api_error",
    "unavailable_message",
]

logger = logging.getLogger(__name__)

FORBIDDEN_MESSAGE = "Your BigV user may not do this."
NOT_FOUND_MESSAGE = "Not found, or not visible to your BigV user."
API_ERROR_TEMPLATE = "_components/api_error.html"
RECONNECT_TEMPLATE = "_components/reconnect.html"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# What the middleware answers for (BadRequest is a form's business: see ``explain``).
HANDLED = (NotConnected, CredentialError, BigVError)
# What a form never explains: the person has to (re)connect first.
_RECONNECT = (NotConnected, CredentialError, Unauthorized, AuthError)


def errors_into(request: HttpRequest, slot: str) -> None:
    """Have a BigV error that escapes this view swapped into ``#slot`` (htmx requests)."""
    request.error_slot = slot  # type: ignore[attr-defined]


def render_api_error(request: HttpRequest, error: Exception) -> HttpResponse:
    """The response for one BigV-related error (``BadRequest`` excepted: it is re-raised,
    forms explain it with ``explain``)."""
    response = _api_error(request, error)
    slot = getattr(request, "error_slot", "")
    if slot and wants_fragment(request) and response.status_code >= 400:
        retarget(response, f"#{slot}")
        reswap(response, "innerHTML")
    return response


def _api_error(request: HttpRequest, error: Exception) -> HttpResponse:
    if isinstance(error, BadRequest):
        raise error
    if isinstance(error, NotConnected | AuthError):
        # An AuthError is a refused *login* (it should not escape a view): it says nothing
        # about the stored credential, so it is not marked — the user just goes to connect.
        return _to_connection_page(request)
    if isinstance(error, Unauthorized | CredentialError):
        return _reconnect(request, error)
    if isinstance(error, Forbidden):
        return _error(request, FORBIDDEN_MESSAGE, status=403, error=error, title="Not allowed")
    if isinstance(error, NotFound):
        return _error(request, NOT_FOUND_MESSAGE, status=404, error=error, title="Not found")
    if isinstance(error, TransportError | ServerError | Unavailable | ApiError):
        logger.warning("BigV error on %s %s: %r", request.method, request.path, error)
        return _error(
            request,
            unavailable_message(error, safe=request.method in _SAFE_METHODS),
            status=_unavailable_status(error),
            error=error,
            retry_url=_retry_url(request),
            title="BigV is not answering",
        )
    raise error  # not ours to translate


def unavailable_message(error: Exception, *, safe: bool = True) -> str:
    """Human words for "BigV did not answer properly". ``safe``: the request was a read."""
    if isinstance(error, TimedOut):
        reason = "it did not answer in time"
    elif isinstance(error, ConnectionFailed):
        reason = "the connection failed"
    elif isinstance(error, Unavailable):
        reason = "it says it is unavailable"
    elif isinstance(error, TransportError):
        reason = "its answer could not be read"
    else:
        reason = f"error {getattr(error, 'status', '?')}"
    if not safe and isinstance(error, TimedOut | ConnectionFailed):
        # A write that got no answer may have been applied: saying "nothing changed" would
        # invite a duplicate. The operator reloads and looks first.
        return (
            f"BigV is not answering right now ({reason}). The change may or may not have "
            "been made — reload the page to check before trying again."
        )
    return (
        f"BigV is not answering right now ({reason}). Nothing was changed by the panel; try again."
    )


def _unavailable_status(error: Exception) -> int:
    if isinstance(error, TimedOut):
        return 504
    if isinstance(error, Unavailable):
        return 503
    return 502


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    # The component template extends base.html; its "fragment" partial is the htmx answer.
    name = f"{template}#fragment" if wants_fragment(request) else template
    return render(request, name, context, status=status)


def _error(
    request: HttpRequest,
    message: str,
    *,
    status: int,
    error: Exception,
    title: str,
    retry_url: str = "",
) -> HttpResponse:
    context = {
        "title": title,
        "message": message,
        "api_status": getattr(error, "status", None),
        "raw": words.raw(error) if isinstance(error, BigVError) else "",
        "retry_url": retry_url,
        "retry_get": request.method in _SAFE_METHODS,
        "hx_target": request.headers.get("HX-Target", ""),
    }
    return _render(request, API_ERROR_TEMPLATE, context, status)


def _reconnect(request: HttpRequest, error: Exception) -> HttpResponse:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        credentials_mark_rejected(actor=Actor.from_request(request), user=user, error=error)
    undecryptable = isinstance(error, CredentialError)
    return _render(request, RECONNECT_TEMPLATE, {"undecryptable": undecryptable}, 401)


def _to_connection_page(request: HttpRequest) -> HttpResponse:
    url = reverse("credentials:connection")
    if wants_fragment(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _retry_url(request: HttpRequest) -> str:
    """Where "Try again" goes: the same URL for a read; for a write, the page the form was
    on (a POST is never replayed from the error page — it may carry secrets)."""
    if request.method in _SAFE_METHODS:
        return request.get_full_path()
    referer = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def refusal_words(refusal: Exception) -> str:
    """The panel's own refusal in words; "busy" names who is doing what, with a link to it."""
    message = str(refusal) or "You may not do this."
    operation = getattr(refusal, "operation", None)
    if operation is None:
        return message
    url = reverse("operations:detail", args=[operation.pk])
    return format_html('{} — <a href="{}">see what is running</a>.', message, url)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 404 view, in the panel's style. What is outside one's BigV view is said as
    BigV says it; a URL that matches nothing says only that (never the URLconf)."""
    message = "There is no such page."
    if isinstance(exception, Http404) and not isinstance(exception, Resolver404) and exception.args:
        message = str(exception.args[0])
    return _refusal_page(request, "Not found", message, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 403 view: the panel's refusals (``panel.access.policy.Denied``) say why."""
    message = str(exception or "") or "You may not do this."
    return _refusal_page(request, "Not allowed", message, 403)


def _refusal_page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    context = {
        "title": title,
        "message": message,
        "api_status": None,
        "retry_url": "",
        "retry_get": False,
        "hx_target": "",
    }
    response = _render(request, API_ERROR_TEMPLATE, context, status)
    slot = getattr(request, "error_slot", "")
    if slot and wants_fragment(request):
        retarget(response, f"#{slot}")
        reswap(response, "innerHTML")
    return response


# --- errors on the form that caused them -----------------------------------------------------


def explain(form: BaseForm, error: Exception, *, field_map: Mapping[str, str] | None = None) -> int:
    """Put why BigV did not do it on ``form`` (fields for a 400, a sentence otherwise) and
    return the status of the answer. A missing or refused credential is re-raised: the
    person has to reconnect, which no form can explain."""
    if isinstance(error, _RECONNECT) or not isinstance(error, BigVError):
        raise error
    form.bigv_raw = words.raw(error)  # type: ignore[attr-defined]  # the "details" toggle
    if isinstance(error, BadRequest):
        apply_field_errors(form, error, field_map=field_map)
        return 400
    if isinstance(error, Forbidden):
        form.add_error(None, FORBIDDEN_MESSAGE)
        return 403
    if isinstance(error, NotFound):
        form.add_error(None, NOT_FOUND_MESSAGE)
        return 404
    logger.warning("BigV error on a form: %r", error)
    form.add_error(None, unavailable_message(error, safe=False))
    return _unavailable_status(error)


def apply_field_errors(
    form: BaseForm,
    error: BadRequest,
    *,
    field_map: Mapping[str, str] | None = None,
    disc_forms: Sequence[BaseForm] | None = None,
) -> None:
    """Add a 400's errors to ``form``: each API field to the form field of that name (or
    ``field_map[name]``), anything else to the non-field errors, prefixed with its name.

    ``discs`` (vm_create) holds one error object per submitted disc, in order: with
    ``disc_forms`` each goes to the matching form, else to ``form`` as "Disc N …". A 400
    with no field errors (a text/plain body) becomes one non-field error with its message.
    """
    field_map = field_map or {}
    form.bigv_raw = words.raw(error)  # type: ignore[attr-defined]  # the "details" toggle
    for api_field, messages in error.field_errors.items():
        _add(form, field_map.get(api_field, api_field), list(messages), label=api_field)
    for index, disc in enumerate(error.disc_errors):
        target = disc_forms[index] if disc_forms is not None and index < len(disc_forms) else None
        for api_field, messages in disc.items():
            if target is not None:
                _add(target, api_field, list(messages), label=api_field)
            else:
                _add(
                    form,
                    f"discs-{index}-{api_field}",
                    list(messages),
                    label=f"Disc {index + 1} {_humanise(api_field)}",
                )
    if not error.field_errors and not error.disc_errors:
        form.add_error(None, words.sentence(error))


def _humanise(api_field: str) -> str:
    return api_field.replace("_", " ")


def _add(form: BaseForm, field: str, messages: list[str], *, label: str) -> None:
    """BigV's field messages ("has already been taken") as sentences: beside the field
    "This name has already been taken.", above the form "Name has already been taken."."""
    if field in form.fields and field != NON_FIELD_ERRORS:
        for message in messages:
            form.add_error(field, words.field_sentence(_humanise(label), message, this=True))
        return
    for message in messages:
        form.add_error(None, words.field_sentence(_humanise(label), message))
