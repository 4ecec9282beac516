"""API keys of the caller's BigV user: list, create, delete (docs/bigv-api.md §3.5, §6.9,
§7.9).

The requests are the official CLI's (``BC:lib/requests/brain/*_api_key*.go``). A new key can
do nothing until privileges carrying its id are granted (the CLI's ``add api key`` grants
them right after creating it, with ``privilege_grant`` and ``api_key_id``). The secret is in
the answer to the creation only: ``NewApiKey`` carries it and never shows it in a repr.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Self

from ._base import ResourceBase, seg
from ._gone import delete_settled
from ._json import Reader, list_of
from .errors import InvalidResponse
from .types import Privilege


def _expiry(value: str | None) -> dt.datetime | None:
    """``expires_at`` as an aware datetime; BigV sends ISO 8601 (BC parses
    ``2006-01-02T15:04:05-0700``), and a value in no form we know is kept only as text."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    label: str
    user_id: int | None = None
    username: str | None = None
    expires_at: str | None = None  # as BigV sent it
    # Only with view=overview: the privileges usable through this key.
    privileges: tuple[Privilege, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Self:
        r = Reader(data, "api_key")
        return cls(
            id=r.integer("id"),
            label=r.text_or("label", ""),
            user_id=r.opt_integer("user_id"),
            username=r.opt_text("username"),
            expires_at=r.opt_text("expires_at"),
            privileges=r.objects("privileges", Privilege.from_json),
        )

    @property
    def expires(self) -> dt.datetime | None:
        return _expiry(self.expires_at)

    def expired(self, now: dt.datetime) -> bool:
        """As BC decides it: an expiry in the past (``now`` aware); an unreadable one is not."""
        expires = self.expires
        return expires is not None and expires <= now


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """The answer to creating a key: the key, and its secret — shown once, never again by
    BigV. ``token`` is what goes in ``Authorization: Bearer``."""

    key: ApiKey
    secret: str = field(repr=False)

    @classmethod
    def from_json(cls, data: Any) -> Self:
        secret = Reader(data, "api_key").opt_text("api_key")
        if not secret:
            raise InvalidResponse("api_key.api_key (the secret) is missing")
        return cls(key=ApiKey.from_json(data), secret=secret.removeprefix("apikey."))

    @property
    def token(self) -> str:
        # Stored without the prefix, always used with it (§13, C18).
        return f"apikey.{self.secret}"


class ApiKeysMixin(ResourceBase):
    def api_keys(self) -> list[ApiKey]:
        """The caller's keys with their privileges (cluster staff: everyone's), as the CLI
        reads them: ``GET /api_keys?view=overview``."""
        parse = list_of(ApiKey.from_json, "api_keys")
        return self._transport.call("GET", "/api_keys", parse, params=[("view", "overview")])

    def api_key_create(
        self, *, label: str, expires_at: str | None = None, user_id: int | None = None
    ) -> NewApiKey:
        """Create a key (201) for ``user_id`` (the caller when None). A POST: never retried
        — after a timeout a key may exist whose secret nobody saw; it is listed, and can be
        deleted."""
        if not label:
            raise ValueError("an API key needs a label (the CLI refuses one without)")
        body: dict[str, Any] = {"label": label}
        if user_id is not None:
            body["user_id"] = user_id
        if expires_at:
            body["expires_at"] = expires_at
        return self._transport.call("POST", "/api_keys", NewApiKey.from_json, body=body)

    def api_key_delete(self, key_id: int) -> None:
        """Delete it (204) and, with it, its privileges. A retried DELETE that finds it gone
        counts as done (``_gone``)."""
        delete_settled(self._transport, f"/api_keys/{seg(key_id)}")
