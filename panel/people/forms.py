"""Django's own auth forms, with throttling in front of the password check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone

from panel.core.client_address import client_address
from panel.people import throttle

THROTTLED_LOGIN = "Too many failed log-in attempts. Try again after {time}"
THROTTLED_CHANGE = "Too many wrong passwords. Try again after {time}"
# Said when the whole account is locked (from every address), so the person knows whom to ask.
ASK_ADMIN = ", or ask an administrator to lift the lock."


def retry_time(until: dt.datetime) -> str:
    """When a lock ends, in the panel's time zone: "14:05", or "3 Dec 14:05" on another day."""
    local = timezone.localtime(until)
    same_day = local.date() == timezone.localtime().date()
    return dateformat.format(local, "H:i" if same_day else "j M H:i")


def throttled_message(template: str, lock: throttle.Lock) -> str:
    return template.format(time=retry_time(lock.until)) + (ASK_ADMIN if lock.every_address else ".")


class PanelLoginForm(AuthenticationForm):
    lock: throttle.Lock | None = None

    def clean(self) -> dict[str, Any]:
        # Checked before authenticate() so a throttled guess costs no password hash and
        # reveals nothing, even when it happens to be right. The account is the one
        # authenticate() would look up (throttle.account_key), so look-alikes are caught.
        username = str(self.data.get("username", ""))
        ip = client_address(self.request) if self.request is not None else None
        self.lock = throttle.lock(scope=throttle.Scope.LOGIN, username=username, ip=ip)
        if self.lock is not None:
            raise ValidationError(throttled_message(THROTTLED_LOGIN, self.lock), code="throttled")
        return super().clean()


class PanelPasswordChangeForm(PasswordChangeForm):
    """The old password is a password guess like a log-in: throttled the same way, per
    person (and address), so a borrowed session cannot try passwords without end."""

    lock: throttle.Lock | None = None

    def __init__(self, user: Any, *args: Any, ip: str | None, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.ip = ip

    def clean_old_password(self) -> str:
        self.lock = throttle.lock(
            scope=throttle.Scope.PASSWORD_CHANGE, username=self.user.get_username(), ip=self.ip
        )
        if self.lock is not None:
            # Before the password is checked: while locked, a right guess reveals nothing.
            raise ValidationError(throttled_message(THROTTLED_CHANGE, self.lock), code="throttled")
        old_password: str = super().clean_old_password()
        return old_password
