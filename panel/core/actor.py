"""Who is acting: the panel user, from where, within which click.

Services take an ``Actor`` as their first argument for anything that changes state; the audit
trail copies it into every entry. Workers rebuild it from the operation row, so the entry a
worker writes names the person who clicked, not the worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from panel.core.client_address import client_address
from panel.core.request_id import current_request_id


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    username: str
    ip: str | None
    request_id: str

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = request.user
        authenticated = bool(user and user.is_authenticated)
        return cls(
            user_id=user.pk if authenticated else None,
            username=user.get_username() if authenticated else "",
            ip=client_address(request),
            request_id=getattr(request, "request_id", None) or current_request_id(),
        )

    @classmethod
    def system(cls, *, request_id: str | None = None) -> Actor:
        return cls(user_id=None, username="system", ip=None, request_id=request_id or "-")
