"""Forms of the BigV connection page. They validate before any API call is made."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from panel.bigv import (
    BadCredentials,
    BigVError,
    SecondFactorRejected,
    SecondFactorRequired,
    TransportError,
    Unauthorized,
)
from panel.core.lock_words import locked_message
from panel.credentials.crypto import CredentialError, PendingLogin, open_pending_login

_API_KEY_PREFIX = "apikey."
# Printable ASCII without spaces: what a key can be copied as; anything else is a paste slip.
_API_KEY_CHARS = re.compile(r"^[\x21-\x7e]+$")
_USERNAME = re.compile(r"^[A-Za-z0-9._@+-]+$")
# YubiKey OTPs are modhex: 32 characters of OTP after a public id of up to 16.
_YUBIKEY_OTP = re.compile(r"^[cbdefghijklnrtuv]{32,64}$")
_CODE = re.compile(r"^[0-9]{6,8}$")

NOT_ACCEPTED_KEY = "BigV did not accept that API key."
NOT_ACCEPTED_LOGIN = "BigV did not accept that username and password."
NOT_ACCEPTED_CODE = "That code was not accepted."
UNREACHABLE = "BigV could not be reached — try again."
STEP_EXPIRED = "The code step timed out or could not be read — enter your password again."
THROTTLED = "Too many failed attempts to connect to BigV. Try again after {time}"


class ApiKeyForm(forms.Form):
    api_key = forms.CharField(
        label="API key",
        strip=False,  # whitespace is reported, not silently fixed: it means a paste slip
        max_length=200,
        help_text="Paste the key with or without its “apikey.” prefix.",
        # A secret: never echoed back into the page when the form is shown again.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def clean_api_key(self) -> str:
        key: str = self.cleaned_data["api_key"]
        if any(ch.isspace() for ch in key):
            raise ValidationError("An API key has no spaces or line breaks.", code="whitespace")
        bare = key.removeprefix(_API_KEY_PREFIX)
        if not bare:
            raise ValidationError("Enter the key itself after “apikey.”.", code="empty")
        if not _API_KEY_CHARS.match(bare):
            raise ValidationError("That does not look like an API key.", code="invalid")
        return key


class PasswordConnectForm(forms.Form):
    username = forms.CharField(
        label="BigV username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label="BigV password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    yubikey = forms.CharField(
        label="YubiKey OTP (optional)",
        required=False,
        max_length=64,
        help_text="Only if your BigV user needs a YubiKey: touch it with this field selected.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if not _USERNAME.match(username):
            raise ValidationError(
                "A BigV username has only letters, digits and . _ @ + -.", code="invalid"
            )
        return username

    def clean_yubikey(self) -> str:
        otp: str = self.cleaned_data["yubikey"].strip()
        if otp and not _YUBIKEY_OTP.match(otp):
            raise ValidationError(
                "That is not a YubiKey OTP (32 to 64 letters from cbdefghijklnrtuv).",
                code="invalid",
            )
        return otp


class SecondFactorForm(forms.Form):
    """The code step: the username/password step arrives encrypted in ``pending``."""

    pending = forms.CharField(widget=forms.HiddenInput, max_length=4096)
    code = forms.CharField(
        label="Authentication code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id = user_id
        self.pending_login: PendingLogin | None = None

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not _CODE.match(code):
            raise ValidationError("Enter the 6-digit code.", code="invalid")
        return code

    def clean_pending(self) -> str:
        ciphertext: str = self.cleaned_data["pending"]
        try:
            self.pending_login = open_pending_login(user_id=self.user_id, ciphertext=ciphertext)
        except CredentialError as error:
            raise ValidationError(STEP_EXPIRED, code="expired") from error
        return ciphertext

    @property
    def step_expired(self) -> bool:
        return self.has_error("pending")


def auth_error_message(error: BigVError, *, api_key: bool = False) -> tuple[str | None, str]:
    """(form field or None, human words) for a refused connection attempt."""
    if isinstance(error, SecondFactorRejected):
        return "code", NOT_ACCEPTED_CODE
    if isinstance(error, BadCredentials | Unauthorized) and not isinstance(
        error, SecondFactorRequired
    ):
        return ("api_key", NOT_ACCEPTED_KEY) if api_key else ("password", NOT_ACCEPTED_LOGIN)
    if isinstance(error, TransportError):
        return None, UNREACHABLE
    status = getattr(error, "status", None)
    if status is not None and status >= 500:
        return None, UNREACHABLE
    # Anything else (a 400 "Badly-formed parameters", a 403): BigV's own words.
    return None, f"BigV refused the connection: {error.message}"


def throttled_message(until: dt.datetime, *, every_address: bool) -> str:
    """Why nothing was sent to BigV, and when to try again (in the panel's time zone)."""
    return locked_message(THROTTLED, until, every_address=every_address)
