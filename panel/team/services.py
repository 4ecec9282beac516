"""Panel sessions: log in, log out, change password — each writes its audit entry.

These take the request because Django's session machinery needs it; the actor is built from
it here, before ``logout()`` forgets who the user was.
"""

from __future__ import annotations

from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest

from panel.audit import Action, Outcome, Target, record
from panel.core.actor import Actor, client_ip
from panel.team import throttle

# An attempted username is attacker-controlled text: keep what the audit row holds short.
_MAX_ATTEMPTED_USERNAME = 150


def session_login(*, request: HttpRequest, form: AuthenticationForm) -> None:
    """Log in the user the (valid) form authenticated."""
    user = form.get_user()
    login(request, user)
    throttle.clear_failures(username=user.get_username())
    record(
        actor=Actor.from_request(request),
        action=Action.AUTH_LOGIN,
        outcome=Outcome.SUCCEEDED,
        target=Target.user(user.pk, user.get_username()),
    )


def record_failed_login(*, request: HttpRequest, form: AuthenticationForm) -> None:
    """Count and audit a refused log-in. Only the attempted username is kept, never the
    password (the form's data is not passed on)."""
    username = str(form.data.get("username", ""))[:_MAX_ATTEMPTED_USERNAME]
    throttled = bool(getattr(form, "throttled", False))
    if not throttled:
        throttle.note_failure(username=username, ip=client_ip(request))
    record(
        actor=Actor.from_request(request),
        # A throttled attempt was never checked: it is a lock-out, not a wrong password.
        action=Action.AUTH_LOCKED_OUT if throttled else Action.AUTH_LOGIN_FAILED,
        outcome=Outcome.DENIED if throttled else Outcome.REFUSED,
        params={"username": username},
    )


def session_logout(*, request: HttpRequest) -> None:
    actor = Actor.from_request(request)
    user = request.user
    if user.is_authenticated:
        record(
            actor=actor,
            action=Action.AUTH_LOGOUT,
            outcome=Outcome.SUCCEEDED,
            target=Target.user(user.pk, user.get_username()),
        )
    logout(request)


def password_change(*, request: HttpRequest, form: PasswordChangeForm) -> None:
    """Save the (valid) form and keep this browser logged in; other sessions end."""
    user = form.save()
    update_session_auth_hash(request, user)
    record(
        actor=Actor.from_request(request),
        action=Action.AUTH_PASSWORD_CHANGE,
        outcome=Outcome.SUCCEEDED,
        target=Target.user(user.pk, user.get_username()),
    )


def record_failed_password_change(*, request: HttpRequest, form: PasswordChangeForm) -> None:
    """Audit a refused change. A wrong old password is a security signal; a new password the
    validators refused is not, but both are cheap to keep. Only error codes are recorded."""
    codes = sorted(
        {error.code or "invalid" for errors in form.errors.as_data().values() for error in errors}
    )
    record(
        actor=Actor.from_request(request),
        action=Action.AUTH_PASSWORD_CHANGE,
        outcome=Outcome.REFUSED,
        target=Target.user(form.user.pk, form.user.get_username()),
        params={"errors": codes},
    )
