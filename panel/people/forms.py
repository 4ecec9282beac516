"""Django's own auth forms, with login throttling in front of the password check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from panel.core.actor import client_ip
from panel.people import throttle


class PanelLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed log-in attempts. Wait a few minutes and try again.",
    }

    def clean(self) -> dict[str, Any]:
        # Checked before authenticate() so a throttled guess costs no password hash and
        # reveals nothing, even when it happens to be right.
        username = str(self.data.get("username", ""))
        ip = client_ip(self.request) if self.request is not None else None
        if throttle.locked_until(username=username, ip=ip) is not None:
            self.throttled = True
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()
