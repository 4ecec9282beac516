"""Reads of the stored credential (the model, never its plaintext)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from panel.core.compiled_reads import CompiledRead
from panel.core.request_memo import forget, remembered
from panel.credentials.models import BigVCredential


def credential_for(user: Any) -> BigVCredential | None:
    """The person's stored credential (read once per page: ``panel.core.request_memo``)."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return None
    return remembered(
        ("bigv-credential", user_id),
        lambda: _CREDENTIAL.first(user_id),
    )


# Every page reads it (panel.core.compiled_reads): compiled once, run with the person's id.
_CREDENTIAL = CompiledRead(
    lambda user_id: BigVCredential.objects.filter(user_id=user_id).order_by("pk")[:1],
)


@receiver(post_save, sender=BigVCredential)
@receiver(post_delete, sender=BigVCredential)
def _changed(**kwargs: Any) -> None:
    # Connected, disconnected or marked rejected in this request: read it again.
    forget()
