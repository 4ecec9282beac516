"""Log in, log out, change password. Views parse the form and call one service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from panel.core.client_address import client_address
from panel.people import services
from panel.people.forms import PanelLoginForm, PanelPasswordChangeForm


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.method == "POST":
        form = PanelLoginForm(request, data=request.POST)
        if form.is_valid():
            services.session_login(request=request, form=form)
            return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        services.record_failed_login(request=request, form=form)
    else:
        form = PanelLoginForm(request)
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@login_not_required
@require_safe
def admin_login_view(request: HttpRequest) -> HttpResponse:
    """The admin's own login form would bypass throttling and the audit trail: everyone logs
    in through the one login page, which then returns to the admin page asked for."""
    return redirect_to_login(_safe_next(request) or "/admin/")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    # POST only: a GET logout lets any page log the user out with an <img> tag.
    services.session_logout(request=request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PanelPasswordChangeForm(request.user, data=request.POST, ip=client_address(request))
        if form.is_valid():
            services.password_change(request=request, form=form)
            messages.success(request, "Your panel password has been changed.")
            return redirect("password_change")
        services.record_failed_password_change(request=request, form=form)
    else:
        form = PanelPasswordChangeForm(request.user, ip=client_address(request))
    return render(request, "people/password_change.html", {"form": form})
