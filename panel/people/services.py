"""Panel sessions: log in, log out, change password — each writes its audit entry.

These take the request because Django's session machinery needs it; the actor is built from
it here, before ``logout()`` forgets who the user was.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest

from panel.audit import Action, Outcome, Target, record
from panel.core.actor import Actor
from panel.people import throttle


def _typed(form: AuthenticationForm) -> str:
    return str(form.data.get("username", ""))


def _username_params(typed: str) -> dict[str, Any]:
    """The account the attempt counted against, and what was typed when that differs (a
    full-width or differently-cased look-alike)."""
    account = throttle.account_key(typed)
    typed = typed[: throttle.MAX_USERNAME]
    return {"username": account} if typed == account else {"username": account, "typed": typed}


def _locked_params(lock: throttle.Lock) -> dict[str, Any]:
    params: dict[str, Any] = {"locked_out": True}
    if lock.every_address:
        params["every_address"] = True
    return params


def _record_locks(
    *, actor: Actor, scope: str, username: str, failure: throttle.Failure, target: Target | None
) -> None:
    """``auth.locked_out`` for each lock the failure started."""
    for lock in failure.started:
        record(
            actor=actor,
            action=Action.AUTH_LOCKED_OUT,
            outcome=Outcome.DENIED,
            target=target,
            params={
                "scope": str(scope),
                "username": username,
                "failures": lock.failures,
                "locked_until": lock.until.isoformat(),
                "every_address": lock.every_address,
            },
        )


def session_login(*, request: HttpRequest, form: AuthenticationForm) -> None:
    """Log in the user the (valid) form authenticated."""
    user = form.get_user()
    login(request, user)
    actor = Actor.from_request(request)
    throttle.clear_failures(scope=throttle.Scope.LOGIN, username=_typed(form), ip=actor.ip)
    record(
        actor=actor,
        action=Action.AUTH_LOGIN,
        outcome=Outcome.SUCCEEDED,
        target=Target.user(user.pk, user.get_username()),
    )


def record_failed_login(*, request: HttpRequest, form: AuthenticationForm) -> None:
    """Count and audit a refused log-in. Only the attempted username is kept (folded as the
    throttle folds it, plus what was typed when that differs), never the password (the
    form's data is not passed on).

    A wrong password is ``auth.login_failed`` (refused); one that reaches a limit also writes
    ``auth.locked_out`` with the lock's end (``every_address``: the account's lock from every
    address). An attempt while locked was never checked: ``auth.login_failed`` with outcome
    denied.
    """
    typed = _typed(form)
    params = _username_params(typed)
    actor = Actor.from_request(request)
    lock: throttle.Lock | None = getattr(form, "lock", None)
    if lock is not None:
        record(
            actor=actor,
            action=Action.AUTH_LOGIN_FAILED,
            outcome=Outcome.DENIED,
            params={**params, **_locked_params(lock)},
        )
        return
    failure = throttle.note_failure(scope=throttle.Scope.LOGIN, username=typed, ip=actor.ip)
    record(actor=actor, action=Action.AUTH_LOGIN_FAILED, outcome=Outcome.REFUSED, params=params)
    _record_locks(
        actor=actor,
        scope=throttle.Scope.LOGIN,
        username=params["username"],
        failure=failure,
        target=None,
    )


def login_unlock(*, actor: Actor, username: str, ip: str | None = None) -> int:
    """Lift the locks of ``username`` (from ``ip`` only, when given) before their cool-off
    ends: the log-in's from each address and from every address, the password change's, and
    — through this entry, which names the user — connecting BigV credentials
    (``panel.credentials.services`` counts refused connections since the last unlock).
    Returns how many throttle rows were lifted."""
    lifted = throttle.unlock(username=username, ip=ip)
    user = _user_named(username)
    record(
        actor=actor,
        action=Action.AUTH_UNLOCKED,
        outcome=Outcome.SUCCEEDED,
        target=Target.user(user.pk, user.get_username()) if user is not None else None,
        params={"username": username[: throttle.MAX_USERNAME], "ip": ip, "lifted": lifted},
    )
    return lifted


def _user_named(username: str) -> Any:
    model = get_user_model()
    name = model.normalize_username(username.strip())
    user = model._default_manager.filter(**{model.USERNAME_FIELD: name}).first()
    if user is None:  # the operator typed it in another case
        users = list(model._default_manager.filter(**{f"{model.USERNAME_FIELD}__iexact": name})[:2])
        user = users[0] if len(users) == 1 else None
    return user


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
    actor = Actor.from_request(request)
    throttle.clear_failures(
        scope=throttle.Scope.PASSWORD_CHANGE, username=user.get_username(), ip=actor.ip
    )
    record(
        actor=actor,
        action=Action.AUTH_PASSWORD_CHANGE,
        outcome=Outcome.SUCCEEDED,
        target=Target.user(user.pk, user.get_username()),
    )


def record_failed_password_change(*, request: HttpRequest, form: PasswordChangeForm) -> None:
    """Audit a refused change, and count a wrong old password as a password guess (a new
    password the validators refused is not one). Only error codes are recorded.

    A wrong old password that reaches a limit also writes ``auth.locked_out``; an attempt
    while locked was never checked: outcome denied, with ``locked_out``."""
    codes = sorted(
        {error.code or "invalid" for errors in form.errors.as_data().values() for error in errors}
    )
    actor = Actor.from_request(request)
    user = form.user
    target = Target.user(user.pk, user.get_username())
    lock: throttle.Lock | None = getattr(form, "lock", None)
    if lock is not None:
        record(
            actor=actor,
            action=Action.AUTH_PASSWORD_CHANGE,
            outcome=Outcome.DENIED,
            target=target,
            params={"errors": codes, **_locked_params(lock)},
        )
        return
    failure = None
    if "password_incorrect" in codes:
        failure = throttle.note_failure(
            scope=throttle.Scope.PASSWORD_CHANGE, username=user.get_username(), ip=actor.ip
        )
    record(
        actor=actor,
        action=Action.AUTH_PASSWORD_CHANGE,
        outcome=Outcome.REFUSED,
        target=target,
        params={"errors": codes},
    )
    if failure is not None:
        _record_locks(
            actor=actor,
            scope=throttle.Scope.PASSWORD_CHANGE,
            username=throttle.account_key(user.get_username()),
            failure=failure,
            target=target,
        )
