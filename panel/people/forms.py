"""Django's own auth forms, with throttling in front of the password check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from panel.core.client_address import client_address
from panel.core.lock_words import locked_message
from panel.people import throttle

THROTTLED_LOGIN = "Too many failed log-in attempts. Try again after {time}"
THROTTLED_CHANGE = "Too many wrong passwords. Try again after {time}"


def throttled_message(template: str, lock: throttle.Lock) -> str:
    return locked_message(template, lock.until, every_address=lock.every_address)


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
