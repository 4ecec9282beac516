"""Sentinels: a password or token typed into the panel shows up in no page, row or audit entry."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from panel.audit.models import AuditEntry
from panel.credentials.crypto import decrypt_token
from panel.credentials.models import BigVCredential
from tests.credentials.helpers import PANEL_PASSWORD, database_text

pytestmark = pytest.mark.django_db

WRONG_BIGV_PASSWORD = "Sentinel-BigV-Pw-0xDEADBEEF"
WRONG_PANEL_PASSWORD = "Sentinel-Panel-Pw-0xC0FFEE"
SECURE_PASSWORD = "secure-password"
BAD_KEY = "apikey.Sentinel-Key-0xFEED"


def _pending(body: str) -> str:
    marker = 'name="pending" value="'
    start = body.index(marker) + len(marker)
    return body[start : body.index('"', start)]


def test_passwords_never_appear_in_pages_rows_or_audit(sim, alice) -> None:
    client = Client()
    bodies: list[str] = []

    def keep(response) -> str:
        body = response.content.decode()
        bodies.append(body)
        return body

    keep(client.post(reverse("login"), {"username": "alice", "password": WRONG_PANEL_PASSWORD}))
    keep(client.post(reverse("login"), {"username": "alice", "password": PANEL_PASSWORD}))
    connection = reverse("credentials:connection")
    password_url = reverse("credentials:connect_password")
    keep(client.post(password_url, {"username": "secure", "password": WRONG_BIGV_PASSWORD}))
    keep(client.post(reverse("credentials:connect_api_key"), {"api_key": BAD_KEY}))
    first = keep(client.post(password_url, {"username": "secure", "password": SECURE_PASSWORD}))
    pending = _pending(first)
    keep(client.post(password_url, {"pending": pending, "code": "000000"}))
    keep(client.post(password_url, {"pending": pending, "code": "123456"}, follow=True))
    keep(client.get(connection))
    keep(client.get(reverse("credentials:disconnect")))

    token = decrypt_token(
        user_id=alice.pk, ciphertext=BigVCredential.objects.get(user=alice).ciphertext
    )
    secrets = [
        WRONG_BIGV_PASSWORD,
        WRONG_PANEL_PASSWORD,
        SECURE_PASSWORD,
        PANEL_PASSWORD,
        BAD_KEY,
        "Sentinel-Key-0xFEED",
        token,
    ]
    pages = "\n".join(bodies)
    stored = database_text()
    entries = "\n".join(repr(e.__dict__) for e in AuditEntry.objects.all())
    assert AuditEntry.objects.filter(action="credentials.rejected").count() == 3
    for secret in secrets:
        assert secret not in pages, secret
        assert secret not in stored, secret
        assert secret not in entries, secret
