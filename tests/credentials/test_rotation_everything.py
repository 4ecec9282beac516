"""Key rotation reaches every sealed column, not only BigV credentials: console keys and
webhook URLs and secrets (each app registers its own), so that the old key can really go."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from panel.console.models import ConsoleKey
from panel.core import sealing
from panel.notifications.models import NotificationSettings

pytestmark = pytest.mark.django_db


def _rotate() -> str:
    out = io.StringIO()
    call_command("rotate_credential_keys", stdout=out)
    return out.getvalue().strip()


def _carol() -> tuple[ConsoleKey, NotificationSettings]:
    user = get_user_model().objects.create_user(username="carol")
    key = ConsoleKey.objects.create(
        user=user,
        bigv_username="carol",
        public_key="ssh-ed25519 AAAA carol",
        fingerprint="SHA256:x",
        sealed_private_key=sealing.seal({"u": user.pk, "console_key": "PRIVATE"}),
    )
    hooks = NotificationSettings.objects.create(
        user=user,
        webhook_sealed=sealing.seal({"url": "https://hooks.example.com/x"}),
        webhook_secret_sealed=sealing.seal({"secret": "s3cret"}),
    )
    return key, hooks


def test_console_keys_and_webhooks_are_resealed_under_the_new_key(settings) -> None:
    old = settings.PANEL_CREDENTIAL_KEYS[0]
    key, hooks = _carol()
    new = Fernet.generate_key().decode()
    settings.PANEL_CREDENTIAL_KEYS = [new, old]

    assert _rotate() == "rotated 3, unchanged 0"

    settings.PANEL_CREDENTIAL_KEYS = [new]  # the old key is gone: everything still opens
    key.refresh_from_db()
    hooks.refresh_from_db()
    assert sealing.unseal(key.sealed_private_key)["console_key"] == "PRIVATE"
    assert sealing.unseal(hooks.webhook_sealed)["url"] == "https://hooks.example.com/x"
    assert sealing.unseal(hooks.webhook_secret_sealed)["secret"] == "s3cret"
    settings.PANEL_CREDENTIAL_KEYS = [new, old]
    assert _rotate() == "rotated 0, unchanged 3"


def test_what_no_key_opens_is_named_with_what_to_do(settings) -> None:
    _carol()
    settings.PANEL_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CommandError) as refused:
        _rotate()

    message = str(refused.value)
    assert message.startswith("rotated 0, unchanged 0, undecryptable 2")
    assert "1 console key (make a new console key)" in message
    assert "1 notification settings (set the webhook again)" in message
