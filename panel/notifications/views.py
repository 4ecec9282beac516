"""The notifications settings page: parse input, call ONE service or selector, render.

Nothing here reaches BigV, so these are plain Django views rather than ``FormAction``s
(which build a BigV client for the person). Every change is audited by the service.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from panel.core.actor import Actor
from panel.notifications import selectors, services
from panel.notifications.forms import NotificationSettingsForm, initial_of
from panel.web.htmx import wants_fragment

PAGE = "notifications/settings.html"


def _page(
    request: HttpRequest,
    form: NotificationSettingsForm | None = None,
    *,
    new_secret: str = "",
    status: int = 200,
) -> HttpResponse:
    page = selectors.settings_page(user=request.user)
    if form is None:
        form = NotificationSettingsForm(
            initial=initial_of(page.settings),
            current=page.settings,
            superuser=request.user.is_superuser,
        )
    context = {"page": page, "form": form, "new_secret": new_secret}
    return render(request, PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        if wants_fragment(request):  # the delivery log refreshing itself
            page = selectors.settings_page(user=request.user)
            return render(request, f"{PAGE}#log", {"page": page})
        return _page(request)
    form = NotificationSettingsForm(
        request.POST,
        current=services.settings_for(request.user),
        superuser=request.user.is_superuser,
    )
    if not form.is_valid():
        return _page(request, form, status=400)
    saved = services.notification_settings_update(
        actor=Actor.from_request(request), user=request.user, change=form.change()
    )
    if saved.new_secret:  # the first webhook: its signing secret, shown this once
        return _page(request, new_secret=saved.new_secret)
    messages.success(request, "Notification settings saved.")
    return redirect("notifications:settings")


@require_POST
def new_signing_secret(request: HttpRequest) -> HttpResponse:
    secret = services.webhook_secret_renew(actor=Actor.from_request(request), user=request.user)
    return _page(request, new_secret=secret)


@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    sent = services.notification_test(actor=Actor.from_request(request), user=request.user)
    if sent:
        ways = " and ".join(sorted({d.get_channel_display().lower() for d in sent}))
        messages.success(request, f"A test notification is on its way by {ways}.")
    else:
        messages.warning(request, "Turn on e-mail or a webhook first, then send a test.")
    return redirect("notifications:settings")
