"""The settings page's form. It validates; the service saves and audits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from panel import webhooks
from panel.notifications.models import NotificationSettings
from panel.notifications.sending import webhook_destinations
from panel.notifications.services import SettingsChange


class NotificationSettingsForm(forms.Form):
    email_enabled = forms.BooleanField(label="Send me an e-mail", required=False)
    email = forms.EmailField(label="E-mail address", required=False)
    webhook_enabled = forms.BooleanField(label="Post to a webhook", required=False)
    webhook_url = forms.CharField(
        label="Webhook URL",
        required=False,
        max_length=webhooks.MAX_URL_LENGTH,
        strip=True,
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    everyone = forms.BooleanField(
        label="Also when anyone else's operation or batch ends badly", required=False
    )

    def __init__(self, *args: Any, current: NotificationSettings, superuser: bool, **kw: Any):
        super().__init__(*args, **kw)
        self.current = current
        url_field = self.fields["webhook_url"]
        if current.webhook_sealed:
            url_field.help_text = (
                f"Now {current.webhook_shown} — leave empty to keep it (the rest of a "
                "webhook URL is often its secret, so it is not shown)."
            )
        else:
            url_field.help_text = "https://… (Slack, Mattermost, or a receiver of your own)."
        if not superuser:
            del self.fields["everyone"]

    def clean_webhook_url(self) -> str:
        url = str(self.cleaned_data.get("webhook_url") or "")
        if url:
            try:
                webhooks.check_url(url, destinations=webhook_destinations())
            except webhooks.InvalidWebhookUrl as invalid:
                raise ValidationError(str(invalid)) from invalid
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("email_enabled") and not data.get("email"):
            self.add_error("email", "Give the address to send to.")
        has_url = bool(data.get("webhook_url")) or bool(self.current.webhook_sealed)
        if data.get("webhook_enabled") and not has_url and "webhook_url" not in self.errors:
            self.add_error("webhook_url", "Give the URL to post to.")
        return data

    def change(self) -> SettingsChange:
        data = self.cleaned_data
        return SettingsChange(
            email_enabled=bool(data.get("email_enabled")),
            email=str(data.get("email") or ""),
            webhook_enabled=bool(data.get("webhook_enabled")),
            webhook_url=str(data.get("webhook_url") or ""),
            everyone=bool(data.get("everyone")),
        )


def initial_of(current: NotificationSettings) -> dict[str, Any]:
    return {
        "email_enabled": current.email_enabled,
        "email": current.email,
        "webhook_enabled": current.webhook_enabled,
        "everyone": current.everyone,
    }
