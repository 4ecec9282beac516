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
from panel.people import throttle


def session_login(*, request: HttpRequest, form: AuthenticationForm) -> None:
    """Log in the user the (valid) form authenticated."""
    user = form.get_user()
    login(request, user)
    throttle.clear_failures(username=str(form.data.get("username", "")), ip=client_ip(request))
    record(
        actor=Actor.from_request(request),
        action=Action.AUTH_LOGIN,
        outcome=Outcome.SUCCEEDED,
        target=Target.user(user.pk, user.get_username()),
    )


def record_failed_login(*, request: HttpRequest, form: AuthenticationForm) -> None:
    """Count and audit a refused log-in. Only the attempted username is kept, never the
    password (the form's data is not passed on).

    A wrong password is ``auth.login_failed`` (refused); the one that reaches the limit also
    writes ``auth.locked_out`` with the lock's end. An attempt while the pair is locked was
    never checked: ``auth.login_failed`` with outcome denied.
    """
    username = str(form.data.get("username", ""))[: throttle.MAX_USERNAME]
    actor = Actor.from_request(request)
    if getattr(form, "throttled", False):
        record(
            actor=actor,
            action=Action.AUTH_LOGIN_FAILED,
            outcome=Outcome.DENIED,
            params={"username": username, "locked_out": True},
        )
        return
    failure = throttle.note_failure(username=username, ip=actor.ip)
    record(
        actor=actor,
        action=Action.AUTH_LOGIN_FAILED,
        outcome=Outcome.REFUSED,
        params={"username": username},
    )
    if failure.locked_until is not None:
        record(
            actor=actor,
            action=Action.AUTH_LOCKED_OUT,
            outcome=Outcome.DENIED,
            params={
                "username": username,
                "failures": failure.failures,
                "locked_until": failure.locked_until.isoformat(),
            },
        )


def login_unlock(*, actor: Actor, username: str, ip: str | None = None) -> int:
    """Lift the login locks of ``username`` (from ``ip`` only, when given) before their
    cool-off ends; returns how many were lifted."""
    lifted = throttle.unlock(username=username, ip=ip)
    record(
        actor=actor,
        action=Action.AUTH_UNLOCKED,
        outcome=Outcome.SUCCEEDED,
        params={"username": username[: throttle.MAX_USERNAME], "ip": ip, "lifted": lifted},
    )
    return lifted


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


def session_expire(*, request: HttpRequest) -> None:
    """End a session that was idle too long (``panel.people.idle``)."""
    user = request.user
    if user.is_authenticated:
        record(
            actor=Actor.from_request(request),
            action=Action.AUTH_LOGOUT,
            outcome=Outcome.SUCCEEDED,
            target=Target.user(user.pk, user.get_username()),
            params={"reason": "idle"},
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
