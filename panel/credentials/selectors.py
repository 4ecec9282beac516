"""Reads of the stored credential (the model, never its plaintext)."""

from __future__ import annotations

from typing import Any

from panel.credentials.models import BigVCredential


def credential_for(user: Any) -> BigVCredential | None:
    return BigVCredential.objects.filter(user_id=user.pk).first()
